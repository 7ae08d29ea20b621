package dev.bowline.proxy.upstream.health;

import dev.bowline.spi.plugin.PluginMetrics;
import dev.bowline.spi.plugin.PluginMetrics.Counter;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cluster's health-check statistics with Envoy's names as its Prometheus exporter renders them
 * ({@code envoy_cluster_health_check_attempt{envoy_cluster_name="..."}}): checks started, passed,
 * failed and failed by the network, and the gauge of hosts passing now.
 *
 * <p>Thread-safe.
 */
public final class HealthCheckStats {

  private static final String PREFIX = "envoy_cluster_health_check_";

  final Counter attempts;
  final Counter successes;
  final Counter failures;
  final Counter networkFailures;
  final AtomicInteger healthy = new AtomicInteger();
  private final Map<String, String> labels;

  /** The counters of {@code cluster}, registered in {@code metrics}. */
  public HealthCheckStats(String cluster, PluginMetrics metrics) {
    labels = Map.of("envoy_cluster_name", cluster);
    attempts = metrics.counter(PREFIX + "attempt", "Health checks started.", labels);
    successes = metrics.counter(PREFIX + "success", "Health checks passed.", labels);
    failures = metrics.counter(PREFIX + "failure", "Health checks failed, for any reason.", labels);
    networkFailures = metrics.counter(PREFIX + "network_failure",
        "Health checks failed by the network (no connection, reset, timeout).", labels);
  }

  /**
   * Registers the {@code healthy} gauge, replacing that of an earlier cluster of the same name:
   * called when the cluster starts running.
   */
  public void publishGauges(PluginMetrics metrics) {
    metrics.gauge(PREFIX + "healthy", "Hosts passing active health checks now.", labels,
        healthy::get);
  }

  /** Hosts passing active health checks now. */
  public int healthy() {
    return healthy.get();
  }
}
