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
  final Counter retries;
  final Counter retrySuccesses;
  final Counter retryLimitExceeded;
  final Counter retryOverflow;
  final Counter retryAbandoned;
  final Counter perTryTimeouts;
  final Counter healthyPanic;
  private final String cluster;
  final Counter[] responsesByClass = new Counter[5];
  private volatile int membershipHealthy;
  private volatile int membershipTotal;

  ClusterStats(String cluster, MetricRegistry metrics) {
    this.cluster = cluster;
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
    retries = metrics.counter("envoy_cluster_upstream_rq_retry", "Retries scheduled.", labels);
    retrySuccesses =
        metrics.counter("envoy_cluster_upstream_rq_retry_success", "Retries whose outcome was not retried again.", labels);
    retryLimitExceeded =
        metrics.counter("envoy_cluster_upstream_rq_retry_limit_exceeded", "Retriable failures not retried because num_retries was reached.", labels);
    retryOverflow =
        metrics.counter("envoy_cluster_upstream_rq_retry_overflow", "Retries refused by the max_retries circuit breaker.", labels);
    retryAbandoned =
        metrics.counter("envoy_cluster_retry_or_shadow_abandoned", "Requests whose retries were given up because the body outgrew the buffer limit.", labels);
    perTryTimeouts =
        metrics.counter("envoy_cluster_upstream_rq_per_try_timeout", "Upstream tries that hit the per-try timeout.", labels);
    healthyPanic =
        metrics.counter("envoy_cluster_lb_healthy_panic", "Hosts picked in panic mode: among all hosts of a priority level with too few healthy ones.", labels);
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

  /** Counts a retry whose try ended in an outcome not retried again ({@code upstream_rq_retry_success}). */
  public void retrySucceeded() {
    retrySuccesses.increment();
  }

  /** Counts a retriable failure with no retry left ({@code upstream_rq_retry_limit_exceeded}). */
  public void retryLimitExceeded() {
    retryLimitExceeded.increment();
  }

  /** Counts a request that stopped being retriable: its body outgrew the buffer limit. */
  public void retryAbandoned() {
    retryAbandoned.increment();
  }

  /** Counts a retry's upstream request in {@code upstream_rq_total} (the first try is counted on admission). */
  public void retryRequestStarted() {
    requestsTotal.increment();
  }

  /** Counts a try that hit its per-try timeout. */
  public void perTryTimedOut() {
    perTryTimeouts.increment();
  }

  /**
   * Registers the gauges ({@code membership_healthy}, {@code membership_total}), replacing those
   * of an earlier cluster of the same name: called when the cluster starts running.
   */
  void publishGauges(MetricRegistry metrics) {
    Map<String, String> labels = Map.of("envoy_cluster_name", cluster);
    metrics.gauge("envoy_cluster_membership_healthy", "Hosts that take traffic now (healthy by every source).", labels, () -> membershipHealthy);
    metrics.gauge("envoy_cluster_membership_total", "Hosts of the cluster now.", labels, () -> membershipTotal);
  }

  /** Records the membership gauges after the host set changed. */
  void membership(int healthy, int total) {
    membershipHealthy = healthy;
    membershipTotal = total;
  }

  /** The counter of picks made in panic mode ({@code lb_healthy_panic}). */
  public Counter healthyPanic() {
    return healthyPanic;
  }

  /** Upstream connections opened so far ({@code upstream_cx_total}). */
  public long connectionsOpened() {
    return connectionsTotal.value();
  }

  /** Counts a request that found no healthy host. */
  public void noHealthyHost() {
    noHealthyHost.increment();
  }
}
