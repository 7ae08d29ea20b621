package dev.bowline.proxy.upstream;

import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.spi.plugin.PluginMetrics.Counter;
import java.util.Map;

/**
 * A cluster's counters, with Envoy's names as its Prometheus exporter renders them
 * ({@code envoy_cluster_upstream_rq_total{envoy_cluster_name="..."}}), resolved once so the request
 * path only increments.
 *
 * <p>Thread-safe.
 */
public final class ClusterStats {

  final Counter requestsTotal;
  final Counter requestOverflow;
  final Counter connectionOverflow;
  final Counter connectionsTotal;
  final Counter connectFailures;
  final Counter timeouts;
  final Counter noHealthyHost;
  final Counter[] responsesByClass = new Counter[5];

  ClusterStats(String cluster, MetricRegistry metrics) {
    Map<String, String> labels = Map.of("envoy_cluster_name", cluster);
    requestsTotal = metrics.counter("envoy_cluster_upstream_rq_total", "Requests sent upstream.", labels);
    requestOverflow =
        metrics.counter("envoy_cluster_upstream_rq_pending_overflow", "Requests refused by a circuit breaker (max_requests or max_pending_requests).", labels);
    connectionOverflow =
        metrics.counter("envoy_cluster_upstream_cx_overflow", "Connections refused by the max_connections circuit breaker.", labels);
    connectionsTotal = metrics.counter("envoy_cluster_upstream_cx_total", "Upstream connections opened.", labels);
    connectFailures = metrics.counter("envoy_cluster_upstream_cx_connect_fail", "Upstream connection attempts that failed.", labels);
    timeouts = metrics.counter("envoy_cluster_upstream_rq_timeout", "Upstream requests that timed out.", labels);
    noHealthyHost = metrics.counter("envoy_cluster_upstream_cx_none_healthy", "Requests with no healthy host to go to.", labels);
    for (int i = 0; i < 5; i++) {
      responsesByClass[i] =
          metrics.counter(
              "envoy_cluster_upstream_rq_xx",
              "Upstream responses by status class.",
              Map.of("envoy_cluster_name", cluster, "envoy_response_code_class", Integer.toString(i + 1)));
    }
  }

  /** Counts a failed connection attempt. */
  public void connectFailed() {
    connectFailures.increment();
  }

  /** Counts an upstream request timeout. */
  public void timedOut() {
    timeouts.increment();
  }

  /** Counts a request that found no healthy host. */
  public void noHealthyHost() {
    noHealthyHost.increment();
  }
}
