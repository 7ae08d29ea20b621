package dev.bowline.proxy.upstream;

import dev.bowline.proxy.admin.AdminServer;
import dev.bowline.proxy.config.BootstrapLoader;
import dev.bowline.proxy.config.ProxyConfig;
import dev.bowline.proxy.server.ProxyServer;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A running proxy for the upstream-health tests, configured by an Envoy bootstrap as a user would
 * write it (so the translators are part of every test): one listener routing everything to the
 * cluster {@code backend}, the clusters the test gives, and the admin server for {@code
 * /clusters}.
 */
final class HealthTestProxy implements AutoCloseable {

  private static final String LISTENER = """
      static_resources:
        listeners:
        - name: ingress
          address: { socket_address: { address: 127.0.0.1, port_value: 0 } }
          filter_chains:
          - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: ingress
                http_filters: [{ name: envoy.filters.http.router }]
                route_config:
                  virtual_hosts:
                  - name: all
                    domains: ["*"]
                    routes:
                    - match: { prefix: "/" }
                      route: { cluster: backend, timeout: 0s }
        clusters:
      """;

  private final MetricRegistry metrics = new MetricRegistry();
  private final ProxyServer server;
  private final AdminServer admin;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** @param clustersYaml the {@code clusters} list, as YAML at indentation 0 */
  HealthTestProxy(String clustersYaml) throws Exception {
    ProxyConfig config =
        new BootstrapLoader().parse("health-test.yaml", LISTENER + clustersYaml.indent(4));
    server = new ProxyServer(2, BuiltinLoadBalancers.newRegistry(), f -> null, metrics);
    try {
      server.apply(config);
      admin = AdminServer.start(new InetSocketAddress("127.0.0.1", 0), server, () -> "{}",
          () -> {});
    } catch (Exception | Error e) {
      server.close();
      throw e;
    }
  }

  ProxyServer server() {
    return server;
  }

  Cluster backend() {
    return server.clusters().get("backend");
  }

  /** GETs {@code path} through the proxy; the status and the body. */
  HttpResponse<String> get(String path) throws Exception {
    int port = server.listenerAddress("ingress").orElseThrow().getPort();
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Sends {@code n} requests and returns how many got a 200. */
  int send(int n) throws Exception {
    int ok = 0;
    for (int i = 0; i < n; i++) {
      if (get("/request/" + i).statusCode() == 200) {
        ok++;
      }
    }
    return ok;
  }

  /** The value of {@code name{envoy_cluster_name="backend"}}, -1 when absent. */
  long metric(String name) {
    Matcher m =
        Pattern.compile("(?m)^" + name + "\\{envoy_cluster_name=\"backend\"} (\\d+)$")
            .matcher(metrics.renderPrometheus());
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  /** The admin server's {@code /clusters}. */
  String clusters() throws Exception {
    return client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.address().getPort()
                    + "/clusters")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** The {@code health_flags} that {@code /clusters} shows for the host on {@code port}. */
  String flags(int port) throws Exception {
    Matcher m =
        Pattern.compile("(?m)^backend::127\\.0\\.0\\.1:" + port + "::health_flags::(\\S+)$")
            .matcher(clusters());
    return m.find() ? m.group(1) : "(no such host)";
  }

  @Override
  public void close() {
    admin.close();
    server.close();
  }
}
