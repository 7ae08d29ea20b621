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
import dev.bowline.spi.lb.LoadBalancerFactory;
import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.plugin.FactoryRegistry;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A running proxy for the hashing, mirroring and retry tests: one listener ({@code ingress}) whose
 * routes are written as Envoy YAML (one virtual host for every domain), in front of the clusters a
 * test gives, with the balancers of a registry the test may add to.
 */
final class RoutingProxy implements AutoCloseable {

  private final ProxyServer server;

  /**
   * @param threads the proxy's event loop threads
   * @param routesYaml the routes of one virtual host for every domain
   * @param bufferLimit the listener's {@code per_connection_buffer_limit_bytes}
   * @param accessLogs the connection manager's access logs
   */
  RoutingProxy(
      int threads,
      FactoryRegistry<LoadBalancerFactory<?>> balancers,
      String routesYaml,
      int bufferLimit,
      List<AccessLogConfig> accessLogs,
      ClusterConfig... clusters)
      throws Exception {
    server = new ProxyServer(threads, balancers, f -> null, new MetricRegistry());
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
            accessLogs);
    ListenerConfig listener =
        new ListenerConfig(
            "ingress",
            new InetSocketAddress("127.0.0.1", 0),
            List.of(new FilterChainConfig(List.of(), List.of(), Optional.empty(), http)),
            0,
            bufferLimit);
    server.apply(new ProxyConfig(Optional.empty(), List.of(listener), List.of(clusters)));
  }

  /** Two event loops, no access log. */
  RoutingProxy(
      FactoryRegistry<LoadBalancerFactory<?>> balancers,
      String routesYaml,
      int bufferLimit,
      ClusterConfig... clusters)
      throws Exception {
    this(2, balancers, routesYaml, bufferLimit, List.of(), clusters);
  }

  RoutingProxy(String routesYaml, ClusterConfig... clusters) throws Exception {
    this(BuiltinLoadBalancers.newRegistry(), routesYaml, 1024 * 1024, clusters);
  }

  /** A cluster of 127.0.0.1 endpoints balanced by {@code lbPolicy}. */
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

  /** An HTTP/1.1 cluster of 127.0.0.1 endpoints balanced by {@code lbPolicy}. */
  static ClusterConfig cluster(String name, String lbPolicy, int... ports) {
    return cluster(
        name,
        lbPolicy,
        ClusterConfig.UpstreamProtocol.HTTP1,
        ClusterConfig.CircuitBreakerLimits.DEFAULTS,
        ports);
  }

  static ClusterConfig cluster(String name, int... ports) {
    return cluster(name, "bowline.lb.round_robin", ports);
  }

  int port() {
    return server.listenerAddress("ingress").orElseThrow().getPort();
  }

  ProxyServer server() {
    return server;
  }

  /** The value of {@code <metric>{envoy_cluster_name="cluster"}}, 0 when absent. */
  long clusterCounter(String metric, String cluster) {
    Matcher m =
        Pattern.compile(
                "(?m)^" + Pattern.quote(metric) + "\\{envoy_cluster_name=\"" + Pattern.quote(cluster)
                    + "\"} (\\d+)$")
            .matcher(server.metrics().renderPrometheus());
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  /** The value of one series written out in full, such as {@code m{a="b",c="d"}}; 0 when absent. */
  long series(String series) {
    for (String line : server.metrics().renderPrometheus().split("\n")) {
      if (line.startsWith(series + " ")) {
        return Long.parseLong(line.substring(series.length() + 1).trim());
      }
    }
    return 0;
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
