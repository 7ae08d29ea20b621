package dev.bowline.proxy.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Envoy's TCP proxy ({@code envoy.filters.network.tcp_proxy}): bytes in both directions between the
 * downstream connection and one upstream connection to a cluster.
 *
 * @param statPrefix the statistics prefix
 * @param clusters the cluster (one entry of weight 1) or weighted clusters to connect to
 * @param idleTimeout the connection is closed after this long without bytes either way (Envoy
 *     default 1 h); zero disables
 * @param hashSourceIp {@code hash_policy: [{source_ip: {}}]}: a hashing balancer picks the host by
 *     the downstream peer's IP address
 */
public record TcpProxyConfig(
    String statPrefix, List<WeightedCluster> clusters, Duration idleTimeout, boolean hashSourceIp)
    implements NetworkFilterConfig {

  /** A TCP proxy without a hash policy. */
  public TcpProxyConfig(String statPrefix, List<WeightedCluster> clusters, Duration idleTimeout) {
    this(statPrefix, clusters, idleTimeout, false);
  }

  public TcpProxyConfig {
    Objects.requireNonNull(statPrefix, "statPrefix");
    clusters = List.copyOf(clusters);
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    if (clusters.isEmpty()) {
      throw new IllegalArgumentException("tcp_proxy needs a cluster");
    }
  }

  /**
   * A cluster and its weight.
   *
   * @param name the cluster name
   * @param weight its weight, at least 1
   */
  public record WeightedCluster(String name, int weight) {}
}
