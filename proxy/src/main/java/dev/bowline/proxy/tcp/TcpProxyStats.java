package dev.bowline.proxy.tcp;

import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.spi.plugin.PluginMetrics.Counter;
import java.util.Map;

/**
 * The counters of one TCP proxy, with Envoy's names as its Prometheus exporter renders them
 * ({@code envoy_tcp_downstream_cx_total{envoy_tcp_prefix="..."}}), resolved once so the data path
 * only increments. Proxies with the same {@code stat_prefix} share counters (as in Envoy), so a
 * configuration change does not reset them.
 *
 * <p>Thread-safe.
 */
final class TcpProxyStats {

  final Counter connectionsTotal;
  final Counter noRoute;
  final Counter rxBytes;
  final Counter txBytes;
  final Counter downstreamPaused;
  final Counter downstreamResumed;
  final Counter idleTimeout;

  TcpProxyStats(String statPrefix, MetricRegistry metrics) {
    Map<String, String> labels = Map.of("envoy_tcp_prefix", statPrefix);
    connectionsTotal =
        metrics.counter("envoy_tcp_downstream_cx_total", "Downstream connections handled by the TCP proxy.", labels);
    noRoute =
        metrics.counter(
            "envoy_tcp_downstream_cx_no_route",
            "Downstream connections closed because their cluster does not exist.",
            labels);
    rxBytes =
        metrics.counter(
            "envoy_tcp_downstream_cx_rx_bytes_total", "Bytes read from downstream connections.", labels);
    txBytes =
        metrics.counter(
            "envoy_tcp_downstream_cx_tx_bytes_total",
            "Bytes sent to downstream connections (handed to the connection for writing).",
            labels);
    downstreamPaused =
        metrics.counter(
            "envoy_tcp_downstream_flow_control_paused_reading_total",
            "Times reading from a downstream connection paused because its upstream could take no more.",
            labels);
    downstreamResumed =
        metrics.counter(
            "envoy_tcp_downstream_flow_control_resumed_reading_total",
            "Times reading from a downstream connection resumed after a pause.",
            labels);
    idleTimeout =
        metrics.counter(
            "envoy_tcp_idle_timeout", "Connections closed because no bytes moved for idle_timeout.", labels);
  }

  /** The upstream flow-control counters of one cluster (Envoy's cluster statistics). */
  static final class ClusterFlow {
    final Counter paused;
    final Counter resumed;

    ClusterFlow(String cluster, MetricRegistry metrics) {
      Map<String, String> labels = Map.of("envoy_cluster_name", cluster);
      paused =
          metrics.counter(
              "envoy_cluster_upstream_flow_control_paused_reading_total",
              "Times reading from an upstream connection paused because its downstream could take no more.",
              labels);
      resumed =
          metrics.counter(
              "envoy_cluster_upstream_flow_control_resumed_reading_total",
              "Times reading from an upstream connection resumed after a pause.",
              labels);
    }
  }
}
