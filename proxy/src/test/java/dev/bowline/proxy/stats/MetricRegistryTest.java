package dev.bowline.proxy.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.spi.plugin.PluginMetrics.Counter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricRegistryTest {

  @Test
  void rendersCountersAndGaugesInPrometheusTextFormat() {
    MetricRegistry registry = new MetricRegistry();
    Counter ok = registry.counter("picks_total", "Picks made.", Map.of("result", "ok"));
    ok.add(3);
    registry.counter("picks_total", "Picks made.", Map.of("result", "ok")).increment();
    registry.counter("picks_total", "Picks made.", Map.of("result", "none")).increment();
    registry.gauge("hosts", "Hosts known.", Map.of(), () -> 2.0);
    registry.gauge("ratio", "A \"ratio\".", Map.of("a", "x\"y"), () -> 0.25);

    assertThat(registry.renderPrometheus())
        .isEqualTo(
            """
            # HELP hosts Hosts known.
            # TYPE hosts gauge
            hosts 2
            # HELP picks_total Picks made.
            # TYPE picks_total counter
            picks_total{result="none"} 1
            picks_total{result="ok"} 4
            # HELP ratio A "ratio".
            # TYPE ratio gauge
            ratio{a="x\\"y"} 0.25
            """);
    assertThat(ok.value()).isEqualTo(4);
  }

  @Test
  void rejectsBadNamesAndNegativeIncrements() {
    MetricRegistry registry = new MetricRegistry();
    assertThatThrownBy(() -> registry.counter("bad-name", "", Map.of()))
        .hasMessageContaining("'bad-name' is not a valid Prometheus metric name");
    assertThatThrownBy(() -> registry.counter("ok_total", "", Map.of("bad-label", "v")))
        .hasMessageContaining("bad-label");
    registry.gauge("g", "", Map.of(), () -> 1);
    assertThatThrownBy(() -> registry.counter("g", "", Map.of())).hasMessageContaining("already registered as a gauge");
    assertThatThrownBy(() -> registry.counter("c_total", "", Map.of()).add(-1)).hasMessageContaining("cannot go down");
  }
}
