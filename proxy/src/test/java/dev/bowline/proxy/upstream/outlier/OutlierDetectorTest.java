package dev.bowline.proxy.upstream.outlier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.config.OutlierDetectionConfig;
import dev.bowline.proxy.config.OutlierDetectionConfig.FailurePercentage;
import dev.bowline.proxy.config.OutlierDetectionConfig.SuccessRate;
import dev.bowline.proxy.config.OutlierDetectionConfig.Trigger;
import dev.bowline.proxy.stats.MetricRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The detector's rules, driven by direct calls on the test thread (the control executor runs
 * tasks at once) and a clock the test moves.
 */
class OutlierDetectorTest {

  private static final Duration INTERVAL = Duration.ofSeconds(10);

  private final MetricRegistry metrics = new MetricRegistry();
  private final OutlierStats stats = new OutlierStats("c", metrics);
  private long now = 1_000_000_000L;
  private int changes;

  /** Istio's usual settings: 5xx and gateway errors enforced, any share of hosts. */
  private static OutlierDetectionConfig config() {
    OutlierDetectionConfig d = OutlierDetectionConfig.DEFAULTS;
    return new OutlierDetectionConfig(INTERVAL, Duration.ofSeconds(30), Duration.ofSeconds(300),
        Duration.ZERO, 100, false, false, new Trigger(3, 100), new Trigger(2, 100),
        d.consecutiveLocalOriginFailure(), new SuccessRate(5, 100, 1900, 0, 100),
        d.failurePercentage(), true);
  }

  private OutlierDetector detector(OutlierDetectionConfig config) {
    OutlierDetector detector =
        new OutlierDetector(config, Runnable::run, () -> now, new Random(7), stats,
            () -> changes++);
    stats.publishGauges(metrics);
    return detector;
  }

  private static List<HostMonitor> hosts(OutlierDetector detector, int n) {
    List<HostMonitor> hosts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      hosts.add(detector.newMonitor());
    }
    detector.setHosts(hosts);
    return hosts;
  }

  private void advance(Duration d) {
    now += d.toNanos();
  }

  private long metric(String name) {
    Matcher m = Pattern.compile("(?m)^envoy_cluster_outlier_detection_" + name
        + "\\{envoy_cluster_name=\"c\"} (\\d+)$").matcher(metrics.renderPrometheus());
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  @Test
  void ejectsAfterExactlyConsecutive5xxAndCountsIt() {
    OutlierDetector detector = detector(config());
    HostMonitor bad = hosts(detector, 3).get(0);

    bad.responded(500, null);
    bad.responded(500, null);
    assertThat(bad.isEjected()).isFalse();
    bad.responded(500, null);

    assertThat(bad.isEjected()).isTrue();
    assertThat(bad.ejections()).isEqualTo(1);
    assertThat(changes).isEqualTo(1);
    assertThat(metric("ejections_active")).isEqualTo(1);
    assertThat(metric("ejections_enforced_total")).isEqualTo(1);
    assertThat(metric("ejections_enforced_consecutive_5xx")).isEqualTo(1);
    assertThat(metric("ejections_detected_consecutive_5xx")).isEqualTo(1);
  }

  @Test
  void aSuccessStartsTheCountAgain() {
    OutlierDetector detector = detector(config());
    HostMonitor host = hosts(detector, 3).get(0);

    host.responded(500, null);
    host.responded(500, null);
    host.responded(200, null);
    host.responded(500, null);
    host.responded(500, null);

    assertThat(host.isEjected()).isFalse();
    host.responded(500, null);
    assertThat(host.isEjected()).isTrue();
  }

  @Test
  void gatewayErrorsAreDetectedButNotEnforcedByEnvoysDefault() {
    OutlierDetector detector = detector(OutlierDetectionConfig.DEFAULTS);
    List<HostMonitor> hosts = hosts(detector, 10);
    HostMonitor host = hosts.get(0);

    for (int i = 0; i < 4; i++) {
      host.responded(503, null);
    }
    // 4 gateway errors: not the 5 needed yet; then a fifth, detected but enforced at 0%
    assertThat(metric("ejections_detected_consecutive_gateway_failure")).isZero();
    host.responded(503, null);

    assertThat(metric("ejections_detected_consecutive_gateway_failure")).isEqualTo(1);
    assertThat(metric("ejections_enforced_consecutive_gateway_failure")).isZero();
    // ... but the same fifth 503 is also the fifth 5xx, enforced at 100%
    assertThat(host.isEjected()).isTrue();
    assertThat(metric("ejections_enforced_consecutive_5xx")).isEqualTo(1);
  }

  @Test
  void aNonGatewayErrorBreaksTheGatewayRunButNotThe5xxRun() {
    OutlierDetector detector = detector(config());
    HostMonitor host = hosts(detector, 3).get(0);

    host.responded(502, null);
    host.responded(500, null); // gateway run broken, 5xx run at 2
    host.responded(504, null); // gateway 1, 5xx 3: ejected by 5xx

    assertThat(host.isEjected()).isTrue();
    assertThat(metric("ejections_enforced_consecutive_5xx")).isEqualTo(1);
    assertThat(metric("ejections_detected_consecutive_gateway_failure")).isZero();
  }

  @Test
  void withoutSplitConnectFailuresAndTimeoutsAreGatewayErrors() {
    OutlierDetector detector = detector(config());
    List<HostMonitor> hosts = hosts(detector, 3);

    hosts.get(0).connectFailed();
    hosts.get(0).timedOut(); // 2 gateway errors: consecutive_gateway_failure is 2 here
    hosts.get(1).connected(); // maps to no status at all
    hosts.get(1).connectFailed();
    hosts.get(1).connected();

    assertThat(hosts.get(0).isEjected()).isTrue();
    assertThat(metric("ejections_enforced_consecutive_gateway_failure")).isEqualTo(1);
    assertThat(hosts.get(1).isEjected()).isFalse();
  }

  @Test
  void aTrailersOnlyGrpcStatusIsJudgedAsItsHttpMapping() {
    OutlierDetector detector = detector(config());
    HostMonitor host = hosts(detector, 3).get(0);

    host.responded(200, "14"); // UNAVAILABLE: 503
    host.responded(200, "13"); // INTERNAL: 500
    host.responded(200, "0"); // OK
    assertThat(host.isEjected()).isFalse();
    host.responded(200, "14");
    host.responded(200, "4"); // DEADLINE_EXCEEDED: 504, second gateway error in a row

    assertThat(host.isEjected()).isTrue();
    assertThat(metric("ejections_enforced_consecutive_gateway_failure")).isEqualTo(1);
  }

  @Test
  void withSplitLocalOriginFailuresCountApart() {
    OutlierDetectionConfig base = config();
    OutlierDetectionConfig split = new OutlierDetectionConfig(base.interval(),
        base.baseEjectionTime(), base.maxEjectionTime(), base.maxEjectionTimeJitter(), 100, false,
        true, base.consecutive5xx(), base.consecutiveGatewayFailure(), new Trigger(4, 100),
        base.successRate(), base.failurePercentage(), true);
    OutlierDetector detector = detector(split);
    HostMonitor host = hosts(detector, 3).get(0);

    host.connectFailed();
    host.connectFailed();
    host.timedOut(); // local-origin failures only: no 5xx, no gateway errors
    host.connected(); // a local-origin success ends the run
    host.connectFailed();
    host.connectFailed();
    host.connectFailed();
    assertThat(host.isEjected()).isFalse();
    host.connectFailed();

    assertThat(host.isEjected()).isTrue();
    assertThat(metric("ejections_enforced_consecutive_local_origin_failure")).isEqualTo(1);
    assertThat(metric("ejections_enforced_consecutive_5xx")).isZero();
  }

  @Test
  void maxEjectionPercentRefusesTheEjectionThatWouldPassItUnlessOneHostMayAlwaysGo() {
    OutlierDetectionConfig base = config();
    OutlierDetectionConfig tenPercent = new OutlierDetectionConfig(base.interval(),
        base.baseEjectionTime(), base.maxEjectionTime(), base.maxEjectionTimeJitter(), 10, false,
        false, base.consecutive5xx(), base.consecutiveGatewayFailure(),
        base.consecutiveLocalOriginFailure(), base.successRate(), base.failurePercentage(), true);
    OutlierDetector detector = detector(tenPercent);
    HostMonitor host = hosts(detector, 3).get(0);

    for (int i = 0; i < 3; i++) {
      host.responded(500, null);
    }

    // one host of three is 33%, more than 10%: Envoy does not eject
    assertThat(host.isEjected()).isFalse();
    assertThat(metric("ejections_overflow")).isEqualTo(1);

    OutlierDetector oneMayGo = detector(new OutlierDetectionConfig(base.interval(),
        base.baseEjectionTime(), base.maxEjectionTime(), base.maxEjectionTimeJitter(), 10, true,
        false, base.consecutive5xx(), base.consecutiveGatewayFailure(),
        base.consecutiveLocalOriginFailure(), base.successRate(), base.failurePercentage(), true));
    List<HostMonitor> hosts = hosts(oneMayGo, 3);
    for (int i = 0; i < 3; i++) {
      hosts.get(0).responded(500, null);
      hosts.get(1).responded(500, null);
    }
    assertThat(hosts.get(0).isEjected()).isTrue();
    assertThat(hosts.get(1).isEjected()).isFalse();
  }

  @Test
  void anEjectedHostReturnsAtTheFirstIntervalAfterItsEjectionTime() {
    OutlierDetector detector = detector(config());
    HostMonitor host = hosts(detector, 3).get(0);
    for (int i = 0; i < 3; i++) {
      host.responded(500, null);
    }

    advance(Duration.ofSeconds(29));
    detector.runInterval();
    assertThat(host.isEjected()).isTrue();

    advance(Duration.ofSeconds(1));
    detector.runInterval();
    assertThat(host.isEjected()).isFalse();
    assertThat(changes).isEqualTo(2);
    assertThat(metric("ejections_active")).isZero();
  }

  @Test
  void eachEjectionLastsLongerUpToTheMaximumAndTheBackOffEasesWhileTheHostBehaves() {
    OutlierDetectionConfig base = config();
    OutlierDetector detector = detector(new OutlierDetectionConfig(INTERVAL,
        Duration.ofSeconds(30), Duration.ofSeconds(70), Duration.ZERO, 100, false, false,
        base.consecutive5xx(), base.consecutiveGatewayFailure(),
        base.consecutiveLocalOriginFailure(), base.successRate(), base.failurePercentage(),
        true));
    HostMonitor host = hosts(detector, 3).get(0);

    assertThat(ejectedFor(detector, host)).isEqualTo(Duration.ofSeconds(30));
    assertThat(ejectedFor(detector, host)).isEqualTo(Duration.ofSeconds(60));
    assertThat(ejectedFor(detector, host)).isEqualTo(Duration.ofSeconds(70)); // the maximum
    assertThat(host.ejections()).isEqualTo(3);

    // back in service for 3 intervals: the back-off (3) comes down to 0 + 1 for the next ejection
    for (int i = 0; i < 3; i++) {
      advance(INTERVAL);
      detector.runInterval();
    }
    assertThat(ejectedFor(detector, host)).isEqualTo(Duration.ofSeconds(30));
  }

  /** Ejects {@code host} now and returns how long until an interval tick lets it back. */
  private Duration ejectedFor(OutlierDetector detector, HostMonitor host) {
    for (int i = 0; i < 3; i++) {
      host.responded(500, null);
    }
    assertThat(host.isEjected()).isTrue();
    Duration waited = Duration.ZERO;
    while (host.isEjected()) {
      advance(INTERVAL);
      waited = waited.plus(INTERVAL);
      detector.runInterval();
    }
    return waited;
  }

  @Test
  void ejectsTheHostWhoseSuccessRateStandsOut() {
    OutlierDetectionConfig base = config();
    OutlierDetector detector = detector(new OutlierDetectionConfig(INTERVAL,
        base.baseEjectionTime(), base.maxEjectionTime(), Duration.ZERO, 100, false, false,
        new Trigger(1000, 100), new Trigger(1000, 100), base.consecutiveLocalOriginFailure(),
        new SuccessRate(5, 100, 1900, 100, 100), FailurePercentage.DEFAULTS, true));
    List<HostMonitor> hosts = hosts(detector, 6);
    // Envoy's example: rates 50, 100, 100, 100, 100 (and a sixth below the volume): mean 90,
    // stdev 20, threshold 90 - 1.9 * 20 = 52
    load(hosts.get(0), 100, 50);
    for (int i = 1; i < 5; i++) {
      load(hosts.get(i), 100, 100);
    }
    load(hosts.get(5), 99, 0);

    detector.runInterval();

    assertThat(hosts.get(0).isEjected()).isTrue();
    assertThat(hosts.subList(1, 6)).noneMatch(HostMonitor::isEjected);
    assertThat(detector.successRateAverage()).isEqualTo(90.0);
    assertThat(detector.successRateEjectionThreshold()).isEqualTo(52.0);
    assertThat(hosts.get(1).successRate()).isEqualTo(100.0);
    assertThat(hosts.get(5).successRate()).isEqualTo(0.0); // above the smaller (50) volume
    assertThat(metric("ejections_enforced_success_rate")).isEqualTo(1);
  }

  @Test
  void failurePercentageEjectsWhenEnforced() {
    OutlierDetectionConfig base = config();
    OutlierDetector detector = detector(new OutlierDetectionConfig(INTERVAL,
        base.baseEjectionTime(), base.maxEjectionTime(), Duration.ZERO, 100, false, false,
        new Trigger(1000, 100), new Trigger(1000, 100), base.consecutiveLocalOriginFailure(),
        new SuccessRate(5, 100, 1900, 0, 100), new FailurePercentage(60, 3, 10, 100, 0), true));
    List<HostMonitor> hosts = hosts(detector, 3);
    load(hosts.get(0), 10, 3); // 70% failures
    load(hosts.get(1), 10, 9);
    load(hosts.get(2), 10, 10);

    detector.runInterval();

    assertThat(hosts).extracting(HostMonitor::isEjected).containsExactly(true, false, false);
    assertThat(metric("ejections_enforced_failure_percentage")).isEqualTo(1);
  }

  private static void load(HostMonitor host, int requests, int successes) {
    for (int i = 0; i < requests; i++) {
      host.responded(i < successes ? 200 : 500, null);
    }
  }

  @Test
  void aRemovedHostStopsCountingAndItsLateDetectionIsIgnored() {
    OutlierDetector detector = detector(config());
    List<HostMonitor> hosts = hosts(detector, 3);
    for (int i = 0; i < 3; i++) {
      hosts.get(0).responded(500, null);
    }
    assertThat(metric("ejections_active")).isEqualTo(1);

    detector.setHosts(hosts.subList(1, 3));
    assertThat(metric("ejections_active")).isZero();
    HostMonitor gone = hosts.get(0);
    for (int i = 0; i < 3; i++) {
      gone.responded(500, null);
    }
    assertThat(metric("ejections_detected_consecutive_5xx")).isEqualTo(1);
  }

  @Test
  void aPassingActiveHealthCheckReturnsAnEjectedHost() {
    OutlierDetector detector = detector(config());
    HostMonitor host = hosts(detector, 3).get(0);
    for (int i = 0; i < 3; i++) {
      host.responded(500, null);
    }

    detector.activeHealthCheckPassed(host);

    assertThat(host.isEjected()).isFalse();
    assertThat(metric("ejections_active")).isZero();
  }

  @Test
  void closingReturnsTheActiveGaugeToZero() {
    OutlierDetector detector = detector(config());
    HostMonitor host = hosts(detector, 3).get(0);
    for (int i = 0; i < 3; i++) {
      host.responded(500, null);
    }

    detector.close();

    assertThat(metric("ejections_active")).isZero();
  }
}
