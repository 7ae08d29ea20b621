package dev.bowline.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bowline.proxy.config.BootstrapLoader;
import dev.bowline.proxy.config.ClusterConfig.Discovery;
import dev.bowline.proxy.config.ClusterConfig.DnsLookupFamily;
import dev.bowline.proxy.config.ListenerConfig;
import dev.bowline.proxy.config.ProxyConfig;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * STRICT_DNS and LOGICAL_DNS clusters over real sockets: names resolved by the JDK resolver
 * ({@code localhost} only; nothing here needs a network), and Envoy's quick-start bootstrap run
 * unchanged.
 */
class DnsClusterTest {

  private static final String ROUTES =
      """
      name: local
      virtual_hosts:
      - name: backend
        domains: ["*"]
        routes:
        - match: {prefix: "/strict"}
          route: {cluster: strict}
        - match: {prefix: "/logical"}
          route: {cluster: logical}
        - match: {prefix: "/unresolvable"}
          route: {cluster: unresolvable}
      """;

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final MetricRegistry metrics = new MetricRegistry();
  private TestUpstream app;
  private ProxyServer proxy;

  @BeforeEach
  void start() throws Exception {
    app = new TestUpstream("app");
    proxy = new ProxyServer(2, BuiltinLoadBalancers.newRegistry(), f -> null, metrics);
  }

  @AfterEach
  void stop() {
    proxy.close();
    app.close();
  }

  @Test
  void strictAndLogicalDnsClustersServeAndAnUnresolvableNameGives503() throws Exception {
    proxy.apply(
        TestConfigs.proxy(
            TestConfigs.listener("ingress", TestConfigs.http(TestConfigs.routes(ROUTES))),
            // TestUpstream listens on 127.0.0.1 only, so IPv4 must come first
            TestConfigs.dnsCluster(
                "strict", Discovery.STRICT_DNS, DnsLookupFamily.V4_ONLY, "localhost", app.port()),
            TestConfigs.dnsCluster(
                "logical", Discovery.LOGICAL_DNS, DnsLookupFamily.V4_PREFERRED, "localhost",
                app.port()),
            TestConfigs.dnsCluster(
                "unresolvable", Discovery.STRICT_DNS, DnsLookupFamily.AUTO,
                "no-such-host.invalid", 80)));
    int port = proxy.listenerAddress("ingress").orElseThrow().getPort();

    // apply() waited for the first resolution, so the hosts are there at once
    assertThat(proxy.clusters().get("strict").hosts())
        .extracting(h -> h.endpoint().address())
        .containsExactly("127.0.0.1");
    assertThat(proxy.clusters().get("logical").hosts()).hasSize(1);

    HttpResponse<String> strict = get(port, "/strict/a");
    assertThat(strict.statusCode()).isEqualTo(200);
    assertThat(strict.body()).startsWith("server app\nGET /strict/a");
    HttpResponse<String> logical = get(port, "/logical/b");
    assertThat(logical.statusCode()).isEqualTo(200);
    assertThat(logical.body()).startsWith("server app\nGET /logical/b");

    HttpResponse<String> none = get(port, "/unresolvable");
    assertThat(none.statusCode()).isEqualTo(503);
    assertThat(none.body()).isEqualTo("no healthy upstream");
    assertThat(metrics.renderPrometheus())
        .containsPattern(
            "envoy_cluster_update_failure\\{envoy_cluster_name=\"unresolvable\"\\} [1-9]");

    // the proxy keeps serving the other routes, across refreshes (every second here)
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> counter("envoy_cluster_update_success", "strict") >= 2);
    assertThat(get(port, "/strict/again").statusCode()).isEqualTo(200);
    assertThat(get(port, "/logical/again").statusCode()).isEqualTo(200);
    assertThat(get(port, "/unresolvable").statusCode()).isEqualTo(503);
  }

  @Test
  void envoysQuickStartBootstrapRunsUnchanged() throws Exception {
    Path file = Path.of(getClass().getResource("/bootstrap/envoy-demo.yaml").toURI());
    ProxyConfig loaded = new BootstrapLoader().load(file);
    // the file's listener address (0.0.0.0:10000) becomes a free loopback port, so the test
    // never clashes with anything else on the machine; nothing else changes
    ListenerConfig l = loaded.listeners().get(0);
    ProxyConfig config =
        new ProxyConfig(
            loaded.admin(),
            List.of(
                new ListenerConfig(
                    l.name(),
                    new InetSocketAddress("127.0.0.1", 0),
                    l.filterChains(),
                    l.maxConnections(),
                    l.perConnectionBufferLimitBytes())),
            loaded.clusters());

    proxy.apply(config);
    int port = proxy.listenerAddress("listener_0").orElseThrow().getPort();

    // Without a network, www.envoyproxy.io does not resolve (503 "no healthy upstream") or
    // cannot be reached (503 after a connect failure, within the file's 30 s connect_timeout):
    // either way the listener answers with a local reply instead of hanging.
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(60))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(proxy.clusters().get("service_envoyproxy_io").config().dns()).isPresent();
  }

  private long counter(String name, String cluster) {
    String prefix = name + "{envoy_cluster_name=\"" + cluster + "\"} ";
    return metrics.renderPrometheus().lines()
        .filter(line -> line.startsWith(prefix))
        .mapToLong(line -> (long) Double.parseDouble(line.substring(prefix.length()).trim()))
        .findFirst()
        .orElse(0);
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
