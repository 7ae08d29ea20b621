package dev.bowline.proxy.http;

import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.spi.plugin.PluginMetrics.Counter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An HTTP connection manager's counters, with Envoy's names as its Prometheus exporter renders
 * them ({@code envoy_http_downstream_rq_total{envoy_http_conn_manager_prefix="ingress_http"}}),
 * resolved once so the request path only increments.
 *
 * <p>Local replies (answers the proxy makes itself) are counted by their response flags, as the
 * {@code x-bowline-response-flags} header and the access log show them: {@code
 * bowline_http_local_replies_total{envoy_http_conn_manager_prefix="...",response_flags="UH"}},
 * {@code response_flags="-"} for replies without a flag (redirects, direct responses, CORS
 * preflights). The flag combinations are few, so the series are made on first use.
 *
 * <p>Thread-safe.
 */
final class HttpStats {

  final Counter requests;
  final Counter connections;
  final Counter noRoute;
  final Counter timeouts;
  final Counter rejected;
  private final Counter[] byClass = new Counter[5];
  private final String prefix;
  private final MetricRegistry metrics;
  private final ConcurrentHashMap<String, Counter> localReplies = new ConcurrentHashMap<>();

  HttpStats(String prefix, MetricRegistry metrics) {
    this.prefix = prefix;
    this.metrics = metrics;
    Map<String, String> labels = Map.of("envoy_http_conn_manager_prefix", prefix);
    requests = metrics.counter("envoy_http_downstream_rq_total", "Downstream requests.", labels);
    connections = metrics.counter("envoy_http_downstream_cx_total", "Downstream connections.", labels);
    noRoute = metrics.counter("envoy_http_no_route", "Requests with no matching route.", labels);
    timeouts = metrics.counter("envoy_http_downstream_rq_timeout", "Requests that hit the route timeout.", labels);
    rejected =
        metrics.counter("envoy_http_downstream_rq_rejected", "Requests rejected by protocol hardening.", labels);
    for (int i = 0; i < 5; i++) {
      byClass[i] =
          metrics.counter(
              "envoy_http_downstream_rq_xx",
              "Downstream responses by status class.",
              Map.of("envoy_http_conn_manager_prefix", prefix, "envoy_response_code_class", Integer.toString(i + 1)));
    }
  }

  /** Counts a local reply with {@code flags} (comma-separated, or {@code -}). */
  void countLocalReply(String flags) {
    Counter c = localReplies.get(flags);
    if (c == null) {
      c =
          localReplies.computeIfAbsent(
              flags,
              f ->
                  metrics.counter(
                      "bowline_http_local_replies_total",
                      "Responses the proxy made itself, by response flags.",
                      Map.of("envoy_http_conn_manager_prefix", prefix, "response_flags", f)));
    }
    c.increment();
  }

  void countResponse(int status) {
    int cls = status / 100;
    if (cls >= 1 && cls <= 5) {
      byClass[cls - 1].increment();
    }
  }
}
