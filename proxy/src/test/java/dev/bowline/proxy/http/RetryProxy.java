package dev.bowline.proxy.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.util.JsonFormat;
import dev.bowline.proxy.config.AccessLogConfig;
import dev.bowline.proxy.config.ClusterConfig;
import dev.bowline.proxy.config.FilterChainConfig;
import dev.bowline.proxy.config.HttpConnectionManagerConfig;
import dev.bowline.proxy.config.HttpFilterConfig;
import dev.bowline.proxy.config.ListenerConfig;
import dev.bowline.proxy.config.ProxyConfig;
import dev.bowline.proxy.server.ProxyServer;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers;
import dev.bowline.spi.model.Endpoint;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A running proxy for the retry tests: one listener ({@code ingress}) with routes written as Envoy
 * YAML and an access log of {@code "%REQ(:PATH)% %RESPONSE_CODE% %RESPONSE_FLAGS% %UPSTREAM_HOST%"}
 * lines, in front of the clusters a test gives.
 */
final class RetryProxy implements AutoCloseable {

  static final String LOG_FORMAT = "%REQ(:PATH)% %RESPONSE_CODE% %RESPONSE_FLAGS% %UPSTREAM_HOST%\n";

  private final ProxyServer server;
  private final Path accessLog;

  /**
   * @param routesYaml the routes of one virtual host for every domain
   * @param bufferLimit the listener's {@code per_connection_buffer_limit_bytes}
   */
  RetryProxy(Path dir, String routesYaml, int bufferLimit, ClusterConfig... clusters) throws Exception {
    accessLog = dir.resolve("access.log");
    server = new ProxyServer(1, BuiltinLoadBalancers.newRegistry(), f -> null, new MetricRegistry());
    RouteConfiguration routes =
        routes("virtual_hosts:\n- name: all\n  domains: ['*']\n  routes:\n" + routesYaml.indent(2));
    HttpConnectionManagerConfig http =
        new HttpConnectionManagerConfig(
            "ingress_http",
            HttpConnectionManagerConfig.CodecType.AUTO,
            routes,
            List.of(new HttpFilterConfig(HttpFilterConfig.ROUTER, Map.of())),
            60,
            100,
            Duration.ofSeconds(10),
            Duration.ofMinutes(5),
            Duration.ofHours(1),
            Duration.ofSeconds(5),
            false,
            0,
            true,
            true,
            true,
            HttpConnectionManagerConfig.EscapedSlashesAction.REJECT_REQUEST,
            HttpConnectionManagerConfig.Http2Settings.EDGE,
            List.of(new AccessLogConfig(accessLog.toString(), LOG_FORMAT)));
    ListenerConfig listener =
        new ListenerConfig(
            "ingress",
            new InetSocketAddress("127.0.0.1", 0),
            List.of(new FilterChainConfig(List.of(), List.of(), Optional.empty(), http)),
            0,
            bufferLimit);
    server.apply(new ProxyConfig(Optional.empty(), List.of(listener), List.of(clusters)));
  }

  RetryProxy(Path dir, String routesYaml, ClusterConfig... clusters) throws Exception {
    this(dir, routesYaml, 1024 * 1024, clusters);
  }

  /** An HTTP/1.1 (or, with {@code protocol}, HTTP/2) cluster of 127.0.0.1 endpoints. */
  static ClusterConfig cluster(
      String name,
      String lbPolicy,
      ClusterConfig.UpstreamProtocol protocol,
      ClusterConfig.CircuitBreakerLimits limits,
      int... ports) {
    List<Endpoint> endpoints =
        Arrays.stream(ports).mapToObj(p -> Endpoint.of("127.0.0.1", p)).toList();
    return new ClusterConfig(
        name,
        ClusterConfig.Discovery.STATIC,
        endpoints,
        lbPolicy,
        Map.of(),
        Duration.ofSeconds(2),
        protocol,
        Optional.empty(),
        limits,
        Duration.ofHours(1),
        0);
  }

  static ClusterConfig cluster(String name, int... ports) {
    return cluster(
        name,
        "bowline.lb.round_robin",
        ClusterConfig.UpstreamProtocol.HTTP1,
        ClusterConfig.CircuitBreakerLimits.DEFAULTS,
        ports);
  }

  int port() {
    return server.listenerAddress("ingress").orElseThrow().getPort();
  }

  ProxyServer server() {
    return server;
  }

  /** The value of {@code envoy_cluster_<name>{envoy_cluster_name="cluster"}}, 0 when absent. */
  long clusterCounter(String name, String cluster) {
    Matcher m =
        Pattern.compile(
                "(?m)^envoy_cluster_" + name + "\\{envoy_cluster_name=\"" + Pattern.quote(cluster) + "\"} (\\d+)$")
            .matcher(server.metrics().renderPrometheus());
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  /** The access log's lines so far. */
  List<String> accessLogLines() {
    try {
      return Files.exists(accessLog) ? Files.readAllLines(accessLog) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static RouteConfiguration routes(String yaml) {
    try {
      Object tree = new ObjectMapper(new YAMLFactory()).readValue(yaml, Object.class);
      RouteConfiguration.Builder b = RouteConfiguration.newBuilder();
      JsonFormat.parser().merge(new ObjectMapper().writeValueAsString(tree), b);
      return b.build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
