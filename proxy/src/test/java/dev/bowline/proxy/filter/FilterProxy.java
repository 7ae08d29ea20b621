package dev.bowline.proxy.filter;

import dev.bowline.proxy.config.BootstrapLoader;
import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.config.ProxyConfig;
import dev.bowline.proxy.server.ProxyServer;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A running proxy made from an Envoy bootstrap, as {@code bowline proxy --bootstrap} makes it: one
 * listener ({@code ingress}, connection manager {@code ingress_http}) with the HTTP filters and
 * routes a test writes in Envoy YAML, an access log of {@code "%REQ(:PATH)% %RESPONSE_CODE%
 * %RESPONSE_FLAGS%"} lines, and a cluster {@code app} (HTTP/1.1) and optionally {@code grpc}
 * (HTTP/2) of one local endpoint each. Also a real HTTP/1.1 client.
 */
final class FilterProxy implements AutoCloseable {

  static final String FAULT_TYPE =
      "type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault";
  static final String CORS_TYPE = "type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors";
  static final String CORS_POLICY_TYPE =
      "type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy";
  static final String LOCAL_RATE_LIMIT_TYPE =
      "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit";

  private final ProxyServer server;
  private final Path accessLog;
  private final ProxyConfig config;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /**
   * @param httpFilters the {@code http_filters} before the router, as a YAML list (may be empty)
   * @param routes the routes of the one virtual host, as a YAML list
   * @param appPort the port of cluster {@code app}
   * @param grpcPort the port of cluster {@code grpc} (HTTP/2), or 0 for none
   * @param useRemoteAddress the connection manager's {@code use_remote_address}
   */
  FilterProxy(
      Path dir, String httpFilters, String routes, int appPort, int grpcPort,
      boolean useRemoteAddress)
      throws ConfigException {
    accessLog = dir.resolve("access-" + System.nanoTime() + ".log");
    String text =
        """
        static_resources:
          listeners:
          - name: ingress
            address: {socket_address: {address: 127.0.0.1, port_value: 0}}
            filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: ingress_http
                  use_remote_address: %s
                  access_log:
                  - name: envoy.access_loggers.file
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
                      path: %s
                      log_format: {text_format_source: {inline_string: "%%REQ(:PATH)%% %%RESPONSE_CODE%% %%RESPONSE_FLAGS%%\\n"}}
                  http_filters:
        %s
                  - name: envoy.filters.http.router
                    typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
                  route_config:
                    name: local
                    virtual_hosts:
                    - name: all
                      domains: ["*"]
                      routes:
        %s
          clusters:
          - name: app
            connect_timeout: 1s
            load_assignment:
              cluster_name: app
              endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}}]}]
        %s
        """
            .formatted(
                useRemoteAddress,
                accessLog,
                httpFilters.indent(10).stripTrailing(),
                routes.indent(14).stripTrailing(),
                appPort,
                grpcPort == 0 ? "" : grpcCluster(grpcPort));
    config = new BootstrapLoader().parse("bootstrap.yaml", text);
    server = new ProxyServer(1, BuiltinLoadBalancers.newRegistry(), f -> null, new MetricRegistry());
    server.apply(config);
  }

  FilterProxy(Path dir, String httpFilters, String routes, int appPort) throws ConfigException {
    this(dir, httpFilters, routes, appPort, 0, true);
  }

  private static String grpcCluster(int port) {
    return """
          - name: grpc
            connect_timeout: 1s
            typed_extension_protocol_options:
              envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                explicit_http_config: {http2_protocol_options: {}}
            load_assignment:
              cluster_name: grpc
              endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}}]}]
        """
        .formatted(port);
  }

  int port() {
    return server.listenerAddress("ingress").orElseThrow().getPort();
  }

  /** Applies the same configuration again (as a new version from the control plane would). */
  void reapply() throws ConfigException {
    server.apply(config);
  }

  /** An HTTP/1.1 request through the proxy. */
  HttpResponse<String> send(String method, String path, Map<String, String> headers, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
            .timeout(Duration.ofSeconds(20))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws Exception {
    return send("GET", path, Map.of(), null);
  }

  HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
    return send("GET", path, headers, null);
  }

  /**
   * The value of a counter series, such as {@code bowline_http_local_replies_total} with labels
   * {@code response_flags="FI"}; 0 when it does not exist.
   */
  long counter(String name, String labelsContaining) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)} (\\d+)$")
            .matcher(server.metrics().renderPrometheus());
    while (m.find()) {
      if (m.group(1).contains(labelsContaining)) {
        return Long.parseLong(m.group(2));
      }
    }
    return 0;
  }

  /** The access log's lines so far. */
  List<String> accessLogLines() {
    try {
      return Files.exists(accessLog) ? Files.readAllLines(accessLog) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
