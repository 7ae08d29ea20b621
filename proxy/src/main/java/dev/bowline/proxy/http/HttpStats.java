package dev.bowline.proxy.http;

import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.spi.plugin.PluginMetrics.Counter;
import java.util.Map;

/**
 * An HTTP connection manager's counters, with Envoy's names as its Prometheus exporter renders
 * them ({@code envoy_http_downstream_rq_total{envoy_http_conn_manager_prefix="ingress_http"}}),
 * resolved once so the request path only increments.
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

  HttpStats(String prefix, MetricRegistry metrics) {
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

  void countResponse(int status) {
    int cls = status / 100;
    if (cls >= 1 && cls <= 5) {
      byClass[cls - 1].increment();
    }
  }
}
