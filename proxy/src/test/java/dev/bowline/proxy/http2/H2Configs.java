package dev.bowline.proxy.http2;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.util.JsonFormat;
import dev.bowline.proxy.config.CertificateFiles;
import dev.bowline.proxy.config.ClusterConfig;
import dev.bowline.proxy.config.FilterChainConfig;
import dev.bowline.proxy.config.HttpConnectionManagerConfig;
import dev.bowline.proxy.config.HttpFilterConfig;
import dev.bowline.proxy.config.ListenerConfig;
import dev.bowline.proxy.config.TlsClientConfig;
import dev.bowline.proxy.config.TlsServerConfig;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.server.ProxyServer;
import dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers;
import dev.bowline.spi.model.Endpoint;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Proxy configurations for the HTTP/2 tests, with routes written as Envoy YAML. */
final class H2Configs {

  private H2Configs() {}

  static ProxyServer newProxy() {
    return new ProxyServer(2, BuiltinLoadBalancers.newRegistry(), f -> null, new MetricRegistry());
  }

  static RouteConfiguration routes(String yaml) {
    try {
      Object tree = new ObjectMapper(new YAMLFactory()).readValue(yaml, Object.class);
      RouteConfiguration.Builder b = RouteConfiguration.newBuilder();
      JsonFormat.parser().merge(new ObjectMapper().writeValueAsString(tree), b);
      return b.build();
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static HttpConnectionManagerConfig http(
      RouteConfiguration routes, HttpConnectionManagerConfig.CodecType codec) {
    return new HttpConnectionManagerConfig(
        "ingress_http",
        codec,
        routes,
        List.of(new HttpFilterConfig(HttpFilterConfig.ROUTER, Map.of())),
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

  static ListenerConfig listener(
      String name, HttpConnectionManagerConfig http, Optional<TlsServerConfig> tls) {
    return new ListenerConfig(
        name,
        new InetSocketAddress("127.0.0.1", 0),
        List.of(new FilterChainConfig(List.of(), List.of(), tls, http)),
        0,
        1024 * 1024);
  }

  static TlsServerConfig serverTls(H2Pki pki) {
    return new TlsServerConfig(
        List.of(new CertificateFiles(pki.serverCert, pki.serverKey)),
        Optional.empty(),
        false,
        List.of("h2", "http/1.1"),
        "",
        "");
  }

  static TlsClientConfig clientTls(H2Pki pki) {
    // No ALPN configured: an HTTP/2 cluster offers h2 by itself.
    return new TlsClientConfig(
        Optional.of("localhost"), Optional.of(pki.caCert), List.of(), Optional.empty(), List.of());
  }

  static ClusterConfig cluster(String name, ClusterConfig.UpstreamProtocol protocol, int... ports) {
    return cluster(name, protocol, Optional.empty(), ports);
  }

  static ClusterConfig cluster(
      String name,
      ClusterConfig.UpstreamProtocol protocol,
      Optional<TlsClientConfig> tls,
      int... ports) {
    List<Endpoint> endpoints =
        Arrays.stream(ports).mapToObj(p -> Endpoint.of("127.0.0.1", p)).toList();
    return new ClusterConfig(
        name,
        ClusterConfig.Discovery.STATIC,
        endpoints,
        "bowline.lb.round_robin",
        Map.of(),
        Duration.ofSeconds(2),
        protocol,
        tls,
        ClusterConfig.CircuitBreakerLimits.DEFAULTS,
        Duration.ofHours(1),
        0);
  }
}
