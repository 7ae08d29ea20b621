package dev.bowline.proxy.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.util.JsonFormat;
import dev.bowline.proxy.config.ClusterConfig;
import dev.bowline.proxy.config.FilterChainConfig;
import dev.bowline.proxy.config.HttpConnectionManagerConfig;
import dev.bowline.proxy.config.HttpFilterConfig;
import dev.bowline.proxy.config.ListenerConfig;
import dev.bowline.proxy.config.ProxyConfig;
import dev.bowline.spi.model.Endpoint;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds proxy configurations for data-path tests, with routes written as Envoy YAML. */
final class TestConfigs {

  private TestConfigs() {}

  static RouteConfiguration routes(String yaml) {
    try {
      Object tree = new ObjectMapper(new YAMLFactory()).readValue(yaml, Object.class);
      String json = new ObjectMapper().writeValueAsString(tree);
      RouteConfiguration.Builder b = RouteConfiguration.newBuilder();
      JsonFormat.parser().merge(json, b);
      return b.build();
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static HttpConnectionManagerConfig http(RouteConfiguration routes) {
    return http(routes, List.of(new HttpFilterConfig(HttpFilterConfig.ROUTER, Map.of())));
  }

  static HttpConnectionManagerConfig http(RouteConfiguration routes, List<HttpFilterConfig> filters) {
    return new HttpConnectionManagerConfig(
        "ingress_http",
        HttpConnectionManagerConfig.CodecType.AUTO,
        routes,
        filters,
        60,
        100,
        Duration.ofSeconds(10),
        Duration.ofMinutes(5),
        Duration.ofHours(1),
        Duration.ofSeconds(5),
        true,
        0,
        true,
        true,
        true,
        HttpConnectionManagerConfig.EscapedSlashesAction.REJECT_REQUEST,
        HttpConnectionManagerConfig.Http2Settings.EDGE,
        List.of());
  }

  static ListenerConfig listener(String name, HttpConnectionManagerConfig http) {
    return new ListenerConfig(
        name,
        new InetSocketAddress("127.0.0.1", 0),
        List.of(new FilterChainConfig(List.of(), List.of(), Optional.empty(), http)),
        0,
        1024 * 1024);
  }

  static ClusterConfig cluster(String name, int... ports) {
    return cluster(name, Duration.ofSeconds(2), ClusterConfig.CircuitBreakerLimits.DEFAULTS, ports);
  }

  static ClusterConfig cluster(
      String name, Duration connectTimeout, ClusterConfig.CircuitBreakerLimits limits, int... ports) {
    List<Endpoint> endpoints =
        Arrays.stream(ports).mapToObj(p -> Endpoint.of("127.0.0.1", p)).toList();
    return new ClusterConfig(
        name,
        ClusterConfig.Discovery.STATIC,
        endpoints,
        "bowline.lb.round_robin",
        Map.of(),
        connectTimeout,
        ClusterConfig.UpstreamProtocol.HTTP1,
        Optional.empty(),
        limits,
        Duration.ofHours(1),
        0);
  }

  /** A STRICT_DNS or LOGICAL_DNS cluster resolving {@code host} (refreshed every second). */
  static ClusterConfig dnsCluster(
      String name,
      ClusterConfig.Discovery type,
      ClusterConfig.DnsLookupFamily family,
      String host,
      int port) {
    return new ClusterConfig(
        name,
        type,
        List.of(),
        "bowline.lb.round_robin",
        Map.of(),
        Duration.ofSeconds(2),
        ClusterConfig.UpstreamProtocol.HTTP1,
        Optional.empty(),
        ClusterConfig.CircuitBreakerLimits.DEFAULTS,
        Duration.ofHours(1),
        0,
        Optional.of(
            new ClusterConfig.DnsSettings(
                List.of(Endpoint.of(host, port)),
                type == ClusterConfig.Discovery.STRICT_DNS,
                family,
                Duration.ofSeconds(1))));
  }

  static ProxyConfig proxy(ListenerConfig listener, ClusterConfig... clusters) {
    return new ProxyConfig(Optional.empty(), List.of(listener), List.of(clusters));
  }
}
