package dev.bowline.kernel.api;

import dev.bowline.kernel.BowlineVersion;
import dev.bowline.proxy.stats.MetricRegistry;
import java.io.IOException;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /ready} (and Istio's {@code /ready} on 15014: 200 once the control plane serves, 503
 * before), {@code GET /metrics} (the control plane's own Prometheus metrics) and {@code GET
 * /version}.
 */
final class HealthRoute implements ApiRoute {

  private final BooleanSupplier ready;
  private final MetricRegistry metrics;

  HealthRoute(BooleanSupplier ready, MetricRegistry metrics) {
    this.ready = ready;
    this.metrics = metrics;
  }

  @Override
  public boolean handle(ApiExchange ex) throws IOException {
    switch (ex.path()) {
      case "/ready", "/healthz/ready" -> {
        if (ready.getAsBoolean()) {
          ex.text(200, "text/plain", "ok\n");
        } else {
          ex.text(503, "text/plain", "starting\n");
        }
        return true;
      }
      case "/metrics", "/stats/prometheus" -> {
        ex.text(200, "text/plain; version=0.0.4; charset=utf-8", metrics.renderPrometheus());
        return true;
      }
      case "/version" -> {
        ex.json(200, Map.of("version", BowlineVersion.current()));
        return true;
      }
      default -> {
        return false;
      }
    }
  }
}
