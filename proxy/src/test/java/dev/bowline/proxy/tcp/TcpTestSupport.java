package dev.bowline.proxy.tcp;

import dev.bowline.proxy.config.ClusterConfig;
import dev.bowline.proxy.config.FilterChainConfig;
import dev.bowline.proxy.config.ListenerConfig;
import dev.bowline.proxy.config.TcpProxyConfig;
import dev.bowline.proxy.config.TcpProxyConfig.WeightedCluster;
import dev.bowline.proxy.config.TlsClientConfig;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.spi.model.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Configurations, sockets and metric reading for the TCP proxy tests. */
final class TcpTestSupport {

  private TcpTestSupport() {}

  static TcpProxyConfig tcp(String statPrefix, Duration idleTimeout, WeightedCluster... clusters) {
    return new TcpProxyConfig(statPrefix, List.of(clusters), idleTimeout);
  }

  static TcpProxyConfig tcp(String statPrefix, String cluster) {
    return tcp(statPrefix, Duration.ofHours(1), new WeightedCluster(cluster, 1));
  }

  static ListenerConfig listener(String name, TcpProxyConfig tcp) {
    return listener(name, new FilterChainConfig(List.of(), List.of(), Optional.empty(), tcp));
  }

  static ListenerConfig listener(String name, FilterChainConfig chain) {
    return new ListenerConfig(
        name, new InetSocketAddress("127.0.0.1", 0), List.of(chain), 0, 1024 * 1024);
  }

  static ClusterConfig cluster(String name, int... ports) {
    return cluster(name, ClusterConfig.CircuitBreakerLimits.DEFAULTS, Optional.empty(), ports);
  }

  static ClusterConfig cluster(
      String name,
      ClusterConfig.CircuitBreakerLimits limits,
      Optional<TlsClientConfig> tls,
      int... ports) {
    return cluster(name, Duration.ofSeconds(2), limits, tls, ports);
  }

  static ClusterConfig cluster(
      String name,
      Duration connectTimeout,
      ClusterConfig.CircuitBreakerLimits limits,
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
        connectTimeout,
        ClusterConfig.UpstreamProtocol.HTTP1,
        tls,
        limits,
        Duration.ofHours(1),
        0);
  }

  /** A client socket to 127.0.0.1:port that gives up on reads after 10 s. */
  static Socket connect(int port) throws IOException {
    Socket s = new Socket();
    s.setSoTimeout(10_000);
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    return s;
  }

  /**
   * Whether the peer closed the connection: reads until end of input (true) or a reset (also
   * true); anything read before counts against it.
   */
  static boolean closedByPeer(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    try {
      return in.read() < 0;
    } catch (java.net.SocketException e) {
      return true;
    }
  }

  /**
   * The value of one series, such as {@code envoy_tcp_downstream_cx_total{envoy_tcp_prefix="x"}},
   * or -1 when it is not registered.
   */
  static long metric(MetricRegistry metrics, String series) {
    for (String line : metrics.renderPrometheus().split("\n")) {
      if (line.startsWith(series + " ")) {
        return Long.parseLong(line.substring(series.length() + 1).trim());
      }
    }
    return -1;
  }

  static String tcpSeries(String name, String prefix) {
    return name + "{envoy_tcp_prefix=\"" + prefix + "\"}";
  }

  static String clusterSeries(String name, String cluster) {
    return name + "{envoy_cluster_name=\"" + cluster + "\"}";
  }

  /** The byte at {@code offset} of an endless, non-repeating-looking test stream. */
  static byte patternAt(long offset) {
    long x = offset * 0x9E3779B97F4A7C15L;
    x ^= x >>> 29;
    x *= 0xBF58476D1CE4E5B9L;
    return (byte) (x >>> 32);
  }

  static void fillPattern(byte[] chunk, long offset, int length) {
    for (int i = 0; i < length; i++) {
      chunk[i] = patternAt(offset + i);
    }
  }
}
