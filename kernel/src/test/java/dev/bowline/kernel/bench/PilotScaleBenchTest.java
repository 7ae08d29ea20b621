package dev.bowline.kernel.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Keeps the scale benchmark's harness from rotting: a tiny run (20 services, 100 endpoints, 5
 * proxies) must complete with every change reaching every proxy and every figure present. No
 * timing is asserted: this is a smoke test, not a benchmark.
 */
class PilotScaleBenchTest {

  private static final BenchOptions TINY =
      new BenchOptions(20, 5, 2, 5, 2, 1, 3, 1, 1, 2, Duration.ofMillis(50), Duration.ofSeconds(60),
          Optional.empty());

  @Test
  void aTinyRunMeasuresEveryChangeAtEveryProxy() throws Exception {
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    PilotScaleResult result =
        PilotScaleBench.run(TINY, new PrintStream(progress, true, StandardCharsets.UTF_8));

    assertThat(result.failures()).isEmpty();
    assertThat(result.translation().clusters()).isEqualTo(20);
    assertThat(result.translation().assignments()).isEqualTo(20);
    assertThat(result.translation().listeners()).isEqualTo(1);
    assertThat(result.translation().routes()).isEqualTo(1);
    assertThat(result.translation().cold().count()).isEqualTo(2);
    assertThat(result.initialSync().count()).isEqualTo(5);
    assertThat(result.initialSync().min()).isPositive();
    assertThat(result.changeToAll().count()).isEqualTo(3);
    assertThat(result.changePerProxy().count()).isEqualTo(15);
    assertThat(result.changePerProxy().min()).isPositive();
    assertThat(result.changeBytesPerProxy()).isPositive();
    assertThat(result.noChangePushTook().count()).isEqualTo(3);
    assertThat(result.warmupFullPushToAll()).hasSize(1).allSatisfy(ms -> assertThat(ms).isPositive());
    assertThat(result.fullPushToAll().count()).isEqualTo(1);
    assertThat(result.fullPushPerProxy().count()).isEqualTo(5);
    assertThat(result.fullPushPerProxy().min()).isPositive();
    assertThat(result.memory().heapSynced()).isPositive();
    assertThat(result.targets()).extracting(TargetCheck::name).hasSize(3);
    assertThat(progress.toString(StandardCharsets.UTF_8)).contains("connecting 5 proxies");

    JsonNode json = new ObjectMapper().valueToTree(result.toJson());
    assertThat(json.path("size").path("endpoints").asInt()).isEqualTo(100);
    assertThat(json.path("endpoint_change").path("to_all_proxies").path("count").asInt())
        .isEqualTo(3);
    assertThat(json.path("endpoint_change").path("to_all_proxies_each_ms")).hasSize(3);
    assertThat(json.path("full_push").path("to_all_proxies").path("p99_ms").isNumber()).isTrue();
    assertThat(json.path("full_push").path("warmup_to_all_proxies_each_ms")).hasSize(1);
    assertThat(json.path("memory").path("heap_synced_mib").asDouble()).isPositive();
    assertThat(json.path("targets")).hasSize(3);
  }

  @Test
  void optionsAreReadOverTheIssuesScale() {
    BenchOptions o =
        BenchOptions.parse("--proxies", "7", "--changes", "21", "--json-out", "x.json");

    assertThat(o.proxies()).isEqualTo(7);
    assertThat(o.changes()).isEqualTo(21);
    assertThat(o.services()).isEqualTo(1000);
    assertThat(o.endpointsPerService()).isEqualTo(10);
    assertThat(o.jsonOut()).hasValueSatisfying(p -> assertThat(p).hasToString("x.json"));
    assertThatThrownBy(() -> BenchOptions.parse("--proxies", "many"))
        .hasMessageContaining("--proxies")
        .hasMessageContaining("many");
    assertThat(BenchOptions.parse("--warmup-full-pushes", "0").warmupFullPushes()).isZero();
    assertThatThrownBy(() -> BenchOptions.parse("--warmup-full-pushes", "-1"))
        .hasMessageContaining("--warmup-full-pushes must not be negative");
    assertThatThrownBy(() -> BenchOptions.parse("--bogus", "1"))
        .hasMessageContaining("unknown option --bogus");
  }

  @Test
  void percentilesAreNearestRank() {
    double[] samples = new double[100];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = 100 - i;
    }
    LatencySummary s = LatencySummary.of(samples);

    assertThat(s.p50()).isEqualTo(50);
    assertThat(s.p99()).isEqualTo(99);
    assertThat(s.max()).isEqualTo(100);
    assertThat(s.min()).isEqualTo(1);
    assertThat(LatencySummary.of(new double[] {3, 1, 2}).p99()).isEqualTo(3);
  }
}
