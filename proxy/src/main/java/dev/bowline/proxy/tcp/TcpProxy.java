package dev.bowline.proxy.tcp;

import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.config.TcpProxyConfig;
import dev.bowline.proxy.config.TcpProxyConfig.WeightedCluster;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.upstream.ClusterManager;
import dev.bowline.proxy.upstream.UpstreamConnector;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The running form of one filter chain's TCP proxy (Envoy's {@code envoy.filters.network.tcp_proxy}):
 * each downstream connection gets one upstream connection to a host of its cluster, and bytes flow
 * both ways between them until both sides are done.
 *
 * <p><b>Per connection</b> ({@link #install(Channel)}):
 *
 * <ol>
 *   <li>Reading from the downstream stops until the upstream is ready. Bytes that reach the proxy
 *       before that (a TLS chain's early data, a passthrough chain's ClientHello) are held and sent
 *       first.
 *   <li>The cluster is chosen at random by weight among the configured clusters (one cluster is
 *       weight 1), and looked up in the {@link ClusterManager} now, so cluster changes apply to new
 *       connections. With {@code hash_policy: [{source_ip: {}}]} the cluster's picker gets the
 *       hash of the client's IP address (see {@link SourceIpPickContext}). A cluster that does not exist closes the connection ({@code
 *       downstream_cx_no_route}); so does a cluster whose picker returns no host ({@code
 *       upstream_cx_none_healthy}) or whose {@code max_connections} breaker is full ({@code
 *       upstream_cx_overflow}).
 *   <li>The upstream connection is opened on the downstream's event loop with the cluster's connect
 *       timeout; with the cluster's TLS origination, its handshake must succeed, within the same
 *       timeout, before any byte is sent. A failure of either closes the downstream ({@code
 *       upstream_cx_connect_fail}, as Envoy counts a failed handshake). While it is pending the
 *       downstream is not read, so a client's FIN is noticed only once the upstream is ready (then
 *       passed on as a half-close); a reset or a close is noticed at once and abandons the attempt.
 *   <li>Bytes are relayed with flow control in both directions: when the receiving side's write
 *       buffer passes its high watermark (the listener's {@code per_connection_buffer_limit_bytes}
 *       downstream, the connector's limit upstream), reading from the sending side stops until it
 *       drains below the low watermark. So the proxy holds at most about one watermark plus one read
 *       per direction, whatever the speed of either peer.
 *   <li>Half-close is propagated: when one side ends its output (TCP FIN, or TLS {@code
 *       close_notify}), the proxy flushes what it holds for the other side and then ends its output
 *       toward it ({@code close_notify} first where the proxy speaks TLS to it). When both directions
 *       have ended, both connections are closed. When one side closes fully or fails, the other is
 *       closed once what is buffered for it is flushed.
 *   <li>After {@code idle_timeout} with no bytes read from either side, both are closed ({@code
 *       idle_timeout}); zero disables the timer.
 * </ol>
 *
 * <p><b>Accounting.</b> The cluster's {@code max_connections} admission, {@code upstream_cx_total},
 * {@code upstream_cx_connect_fail} and the host's open-connection count are kept through {@link
 * dev.bowline.proxy.upstream.Cluster}'s connection methods; this proxy's counters are {@code
 * envoy_tcp_*{envoy_tcp_prefix=stat_prefix}} (see {@link TcpProxyStats}).
 *
 * <p><b>Threading.</b> Immutable and thread-safe: one instance serves every connection of its chain
 * on every event loop. Each connection's state is confined to that connection's event loop, and its
 * upstream connection is opened on the same loop, so relaying never crosses threads and never
 * blocks.
 */
public final class TcpProxy {

  private final TcpProxyConfig config;
  private final ClusterManager clusters;
  private final UpstreamConnector connector;
  private final TcpProxyStats stats;
  private final String[] clusterNames;
  private final TcpProxyStats.ClusterFlow[] clusterFlow;
  private final long[] cumulativeWeights;
  private final long totalWeight;
  private final long idleTimeoutNanos;

  private TcpProxy(
      TcpProxyConfig config,
      ClusterManager clusters,
      UpstreamConnector connector,
      MetricRegistry metrics) {
    this.config = config;
    this.clusters = clusters;
    this.connector = connector;
    this.stats = new TcpProxyStats(config.statPrefix(), metrics);
    List<WeightedCluster> weighted = config.clusters();
    clusterNames = new String[weighted.size()];
    clusterFlow = new TcpProxyStats.ClusterFlow[weighted.size()];
    cumulativeWeights = new long[weighted.size()];
    long sum = 0;
    for (int i = 0; i < weighted.size(); i++) {
      clusterNames[i] = weighted.get(i).name();
      clusterFlow[i] = new TcpProxyStats.ClusterFlow(weighted.get(i).name(), metrics);
      sum += weighted.get(i).weight();
      cumulativeWeights[i] = sum;
    }
    totalWeight = sum;
    idleTimeoutNanos = config.idleTimeout().toNanos();
  }

  /**
   * Builds the TCP proxy of one filter chain. Whether its clusters exist is checked per connection,
   * not here, since clusters may arrive later (xDS).
   *
   * @param config the proxy's configuration
   * @param path the configuration path of {@code config}, for error messages
   * @param clusters where clusters are looked up, per connection
   * @param connector opens upstream connections
   * @param metrics where the counters go
   * @throws ConfigException naming each cluster entry without a name or with a weight below 1, or
   *     a negative idle timeout
   */
  public static TcpProxy create(
      TcpProxyConfig config,
      String path,
      ClusterManager clusters,
      UpstreamConnector connector,
      MetricRegistry metrics)
      throws ConfigException {
    List<String> problems = new ArrayList<>();
    if (config.statPrefix().isEmpty()) {
      problems.add(path + ".stat_prefix: required");
    }
    boolean single = config.clusters().size() == 1;
    for (int i = 0; i < config.clusters().size(); i++) {
      WeightedCluster c = config.clusters().get(i);
      String at = single ? path + ".cluster" : path + ".weighted_clusters.clusters[" + i + "]";
      if (c.name() == null || c.name().isEmpty()) {
        problems.add(at + (single ? "" : ".name") + ": required");
      }
      if (c.weight() < 1) {
        problems.add(at + ".weight: must be at least 1, is " + c.weight());
      }
    }
    if (config.idleTimeout().isNegative()) {
      problems.add(path + ".idle_timeout: must not be negative");
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new TcpProxy(config, clusters, connector, metrics);
  }

  /** The configuration this proxy runs with. */
  public TcpProxyConfig config() {
    return config;
  }

  /**
   * Takes over a new downstream connection: turns its {@code AUTO_READ} off and {@code
   * ALLOW_HALF_CLOSURE} on, appends the proxy's handler to its pipeline, and starts connecting
   * upstream. Bytes delivered to the pipeline after this returns are held until the upstream is
   * ready. Call it on the channel's event loop (as a {@code ChannelInitializer} or a {@link
   * dev.bowline.proxy.tls.FilterChainInitializer} is called); the channel must be registered.
   */
  public void install(Channel downstream) {
    if (!downstream.eventLoop().inEventLoop()) {
      downstream.eventLoop().execute(() -> install(downstream));
      return;
    }
    new TcpProxySession(this, downstream).start();
  }

  // For the session.

  TcpProxyStats stats() {
    return stats;
  }

  ClusterManager clusters() {
    return clusters;
  }

  UpstreamConnector connector() {
    return connector;
  }

  long idleTimeoutNanos() {
    return idleTimeoutNanos;
  }

  String clusterName(int index) {
    return clusterNames[index];
  }

  TcpProxyStats.ClusterFlow clusterFlow(int index) {
    return clusterFlow[index];
  }

  /** The index of the cluster for a new connection, at random by weight. */
  int pickCluster() {
    if (cumulativeWeights.length == 1) {
      return 0;
    }
    long r = ThreadLocalRandom.current().nextLong(totalWeight);
    int i = 0;
    while (r >= cumulativeWeights[i]) {
      i++;
    }
    return i;
  }
}
