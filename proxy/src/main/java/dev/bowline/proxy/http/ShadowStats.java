package dev.bowline.proxy.http;

import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.spi.plugin.PluginMetrics.Counter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The counters of mirrored requests, per mirror cluster: {@code
 * bowline_cluster_shadow_rq_total{envoy_cluster_name="..."}} counts the copies sent to the cluster,
 * {@code bowline_cluster_shadow_rq_failed} those that got no response (no healthy host, a circuit
 * breaker, no connection, a reset or the route timeout). Envoy has no such counters; like Envoy, a
 * copy also counts in the mirror cluster's own {@code upstream_rq_total} and {@code upstream_rq_xx}.
 *
 * <p>Thread-safe; a cluster's counters are resolved once and then only incremented.
 */
final class ShadowStats {

  /** One mirror cluster's counters. */
  record Counters(Counter sent, Counter failed) {}

  private final MetricRegistry metrics;
  private final ConcurrentMap<String, Counters> byCluster = new ConcurrentHashMap<>();

  ShadowStats(MetricRegistry metrics) {
    this.metrics = metrics;
  }

  /** The counters of mirror cluster {@code cluster}. */
  Counters of(String cluster) {
    Counters counters = byCluster.get(cluster);
    return counters != null ? counters : byCluster.computeIfAbsent(cluster, this::register);
  }

  private Counters register(String cluster) {
    Map<String, String> labels = Map.of("envoy_cluster_name", cluster);
    return new Counters(
        metrics.counter(
            "bowline_cluster_shadow_rq_total",
            "Copies of requests sent to this cluster by request_mirror_policies.",
            labels),
        metrics.counter(
            "bowline_cluster_shadow_rq_failed",
            "Mirrored copies that got no response: no healthy host, a circuit breaker, no"
                + " connection, a reset or the route timeout.",
            labels));
  }
}
