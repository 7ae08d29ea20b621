package dev.bowline.proxy.upstream.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bowline.proxy.config.HealthCheckConfig;
import dev.bowline.proxy.config.HealthCheckConfig.HttpProbe;
import dev.bowline.proxy.config.HealthCheckConfig.StatusRange;
import dev.bowline.proxy.stats.MetricRegistry;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Envoy's health transitions, with a scripted check client standing in for the network (the real
 * clients are exercised against real servers in the cluster's end-to-end tests).
 */
class HealthCheckSessionTest {

  /** What the scripted client answers to one check. */
  enum Answer {
    PASS,
    NETWORK,
    ACTIVE,
    RETRIABLE,
    HANG
  }

  /** One finished check, as the checker's listener heard it. */
  record Seen(boolean passed, boolean changed, boolean failedAfter) {}

  private final EventLoopGroup loops = new DefaultEventLoopGroup(1);
  private final MetricRegistry metrics = new MetricRegistry();
  private final HealthCheckStats stats = new HealthCheckStats("c", metrics);
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final Queue<Answer> script = new ArrayDeque<>();
  private final AtomicInteger closes = new AtomicInteger();
  private final Host host = new Host();

  private static final class Host implements CheckedHost {
    private final ActiveHealth health = new ActiveHealth();

    @Override
    public InetSocketAddress checkAddress() {
      return new InetSocketAddress("127.0.0.1", 1);
    }

    @Override
    public ActiveHealth activeHealth() {
      return health;
    }
  }

  @AfterEach
  void stop() {
    loops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
  }

  private static HealthCheckConfig config(Duration timeout, int unhealthy, int healthy) {
    Duration ms = Duration.ofMillis(1);
    return new HealthCheckConfig(timeout, ms, Duration.ZERO, Duration.ZERO, 0, unhealthy, healthy,
        true, ms, ms, ms, ms, ms,
        new HttpProbe("/", "", "GET", StatusRange.OK_ONLY, List.of(), false));
  }

  private HealthChecker<Host> checker(HealthCheckConfig config) {
    return new HealthChecker<>(config, "c", loops, (loop, address, init) -> null,
        h -> Optional.empty(), () -> true, stats,
        (h, passed, changed) -> seen.add(new Seen(passed, changed, h.activeHealth().isFailed())),
        (h, loop) -> new CheckClient() {
          @Override
          public void check(CheckCallback callback) {
            Answer answer;
            synchronized (script) {
              answer = script.poll();
            }
            if (answer == null) {
              return; // the script is over: this check never ends (the timeout is long)
            }
            switch (answer) {
              case PASS -> callback.passed();
              case NETWORK -> callback.failed(true, false);
              case ACTIVE -> callback.failed(false, false);
              case RETRIABLE -> callback.failed(false, true);
              case HANG -> { }
              default -> throw new IllegalStateException();
            }
          }

          @Override
          public void close() {
            closes.incrementAndGet();
          }
        });
  }

  private void run(HealthCheckConfig config, Answer... answers) {
    synchronized (script) {
      script.addAll(List.of(answers));
    }
    HealthChecker<Host> checker = checker(config);
    checker.setHosts(List.of(host));
    stats.publishGauges(metrics);
    checker.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() >= answers.length);
    checker.close();
  }

  @Test
  void aHostStartsFailingAndPendingAndItsFirstPassMakesItHealthyAtOnce() {
    assertThat(host.activeHealth().isFailed()).isTrue();
    assertThat(host.activeHealth().isPending()).isTrue();

    run(config(Duration.ofHours(1), 2, 3), Answer.PASS);

    assertThat(seen).containsExactly(new Seen(true, true, false));
    assertThat(host.activeHealth().isPending()).isFalse();
  }

  @Test
  void followsEnvoysThresholds() {
    run(config(Duration.ofHours(1), 2, 3),
        Answer.PASS, // first check: healthy at once
        Answer.NETWORK, // 1 of 2 network failures: still healthy
        Answer.NETWORK, // 2 of 2: unhealthy
        Answer.PASS, // 1 of 3 passes
        Answer.PASS, // 2 of 3
        Answer.NETWORK, // the run of passes starts again
        Answer.PASS,
        Answer.PASS,
        Answer.PASS, // 3 of 3: healthy
        Answer.ACTIVE, // an unaccepted answer: unhealthy at once
        Answer.PASS,
        Answer.PASS,
        Answer.PASS, // healthy
        Answer.RETRIABLE, // a retriable status counts like a network failure
        Answer.RETRIABLE); // unhealthy

    assertThat(seen).containsExactly(
        new Seen(true, true, false),
        new Seen(false, false, false),
        new Seen(false, true, true),
        new Seen(true, false, true),
        new Seen(true, false, true),
        new Seen(false, false, true),
        new Seen(true, false, true),
        new Seen(true, false, true),
        new Seen(true, true, false),
        new Seen(false, true, true),
        new Seen(true, false, true),
        new Seen(true, false, true),
        new Seen(true, true, false),
        new Seen(false, false, false),
        new Seen(false, true, true));
    assertThat(metrics.renderPrometheus())
        .containsPattern("envoy_cluster_health_check_attempt\\{envoy_cluster_name=\"c\"} 1[5-9]")
        .contains("envoy_cluster_health_check_success{envoy_cluster_name=\"c\"} 9")
        .contains("envoy_cluster_health_check_failure{envoy_cluster_name=\"c\"} 6")
        .contains("envoy_cluster_health_check_network_failure{envoy_cluster_name=\"c\"} 3");
  }

  @Test
  void aTimeoutIsANetworkFailureThatClosesTheConnectionAndMarksTheHost() {
    run(config(Duration.ofMillis(20), 1, 1), Answer.HANG, Answer.PASS, Answer.HANG);

    // the first check timed out: still failing, no longer pending (a change), timed out
    assertThat(seen.get(0)).isEqualTo(new Seen(false, true, true));
    assertThat(seen.get(1)).isEqualTo(new Seen(true, true, false));
    assertThat(seen.get(2)).isEqualTo(new Seen(false, true, true));
    assertThat(host.activeHealth().isTimedOut()).isTrue();
    assertThat(closes.get()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void theHealthyGaugeFollowsTheHostAndDropsWhenTheSessionStops() {
    synchronized (script) {
      script.add(Answer.PASS);
    }
    HealthChecker<Host> checker = checker(config(Duration.ofHours(1), 1, 1));
    checker.setHosts(List.of(host));
    stats.publishGauges(metrics);
    checker.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> stats.healthy() == 1);
    assertThat(metrics.renderPrometheus())
        .contains("envoy_cluster_health_check_healthy{envoy_cluster_name=\"c\"} 1");

    checker.setHosts(List.of());

    await().atMost(Duration.ofSeconds(20)).until(() -> stats.healthy() == 0);
    assertThat(closes).hasValue(1);
  }

  @Test
  void picksTheNextIntervalAsEnvoyDoes() {
    Duration s = Duration.ofSeconds(1);
    HealthCheckConfig config = new HealthCheckConfig(s, Duration.ofSeconds(10), Duration.ZERO,
        Duration.ZERO, 0, 2, 2, true, Duration.ofSeconds(60), Duration.ofSeconds(90),
        Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofSeconds(3),
        new HttpProbe("/", "", "GET", StatusRange.OK_ONLY, List.of(), false));
    AtomicBoolean traffic = new AtomicBoolean(true);
    HealthChecker<Host> checker = new HealthChecker<>(config, "c", loops,
        (loop, address, init) -> null, h -> Optional.empty(), traffic::get, stats, (h, p, c) -> { });

    assertThat(checker.nextIntervalMillis(true, false)).isEqualTo(10_000);
    assertThat(checker.nextIntervalMillis(true, true)).isEqualTo(3_000); // healthy edge
    assertThat(checker.nextIntervalMillis(false, false)).isEqualTo(20_000); // unhealthy
    assertThat(checker.nextIntervalMillis(false, true)).isEqualTo(5_000); // unhealthy edge
    traffic.set(false);
    assertThat(checker.nextIntervalMillis(true, false)).isEqualTo(90_000);
    assertThat(checker.nextIntervalMillis(true, true)).isEqualTo(60_000);
    assertThat(checker.nextIntervalMillis(false, false)).isEqualTo(60_000);
  }
}
