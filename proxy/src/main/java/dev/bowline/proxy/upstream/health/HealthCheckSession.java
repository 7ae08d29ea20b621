package dev.bowline.proxy.upstream.health;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The checks of one host, as Envoy's {@code ActiveHealthCheckSession}: a first check as soon as
 * the host appears (after {@code initial_jitter}), then one check per interval, each bounded by
 * {@code timeout}; the results move the host between healthy and unhealthy as Envoy does:
 *
 * <ul>
 *   <li>a pass makes an unhealthy host healthy after {@code healthy_threshold} passes in a row,
 *       or at once when it is the host's first check;
 *   <li>a network failure (no connection, reset, timeout) or a retriable status makes a healthy
 *       host unhealthy after {@code unhealthy_threshold} failures in a row; any other failing
 *       answer makes it unhealthy at once.
 * </ul>
 *
 * <p><b>Threading.</b> Confined to its event loop; {@link #start()} and {@link #stop()} may be
 * called from any thread and hand over to it.
 */
final class HealthCheckSession<H extends CheckedHost> {

  private final HealthChecker<H> checker;
  private final H host;
  private final EventLoop loop;
  private final CheckClient client;
  private final ActiveHealth health;
  private ScheduledFuture<?> intervalTimer;
  private ScheduledFuture<?> timeoutTimer;
  private CountDownLatch firstRound;
  private int passesInARow;
  private int failuresInARow;
  private boolean firstCheck = true;
  private int generation;
  private boolean stopped;

  HealthCheckSession(HealthChecker<H> checker, H host, EventLoop loop, CheckClient client) {
    this.checker = checker;
    this.host = host;
    this.loop = loop;
    this.client = client;
    this.health = host.activeHealth();
  }

  /** Starts checking; {@code firstRound}, if any, is counted down at the first result. */
  void start(CountDownLatch firstRound) {
    loop.execute(
        () -> {
          this.firstRound = firstRound;
          long jitter = checker.initialJitterMillis();
          if (jitter == 0) {
            check();
          } else {
            intervalTimer = loop.schedule(this::check, jitter, TimeUnit.MILLISECONDS);
          }
        });
  }

  /** Stops checking and closes the connection; the host is gone. */
  void stop() {
    loop.execute(
        () -> {
          stopped = true;
          generation++;
          cancelTimers();
          client.close();
          if (!health.isFailed()) {
            checker.stats().healthy.decrementAndGet();
          }
          countFirstRound();
        });
  }

  private void check() {
    intervalTimer = null;
    if (stopped) {
      return;
    }
    int checkGeneration = ++generation;
    checker.stats().attempts.increment();
    timeoutTimer =
        loop.schedule(() -> onTimeout(checkGeneration), checker.timeoutMillis(),
            TimeUnit.MILLISECONDS);
    client.check(
        new CheckClient.CheckCallback() {
          @Override
          public void passed() {
            if (checkGeneration == generation && !stopped) {
              onPass();
            }
          }

          @Override
          public void failed(boolean network, boolean retriable) {
            if (checkGeneration == generation && !stopped) {
              onFailure(network, retriable, false);
            }
          }
        });
  }

  private void onTimeout(int checkGeneration) {
    if (checkGeneration != generation || stopped) {
      return;
    }
    generation++; // whatever the client says later belongs to no check
    client.close();
    onFailure(true, false, true);
  }

  /** Envoy's {@code handleSuccess}. */
  private void onPass() {
    failuresInARow = 0;
    Transition transition = Transition.UNCHANGED;
    if (health.isFailed()) {
      if (firstCheck || ++passesInARow == checker.healthyThreshold()) {
        health.timedOut(false);
        health.failed(false);
        checker.stats().healthy.incrementAndGet();
        transition = Transition.CHANGED;
      } else {
        transition = Transition.PENDING;
      }
    }
    transition = clearPending(transition);
    checker.stats().successes.increment();
    finishCheck(true, transition);
  }

  /** Envoy's {@code handleFailure}. */
  private void onFailure(boolean network, boolean retriable, boolean timeout) {
    passesInARow = 0;
    Transition transition = Transition.UNCHANGED;
    if (!health.isFailed()) {
      if ((!network && !retriable) || ++failuresInARow == checker.unhealthyThreshold()) {
        health.failed(true);
        checker.stats().healthy.decrementAndGet();
        transition = Transition.CHANGED;
      } else {
        transition = Transition.PENDING;
      }
    }
    health.timedOut(timeout && health.isFailed());
    transition = clearPending(transition);
    checker.stats().failures.increment();
    if (network) {
      checker.stats().networkFailures.increment();
    }
    finishCheck(false, transition);
  }

  /** The first result clears {@code /pending_active_hc}, which is a change by itself. */
  private Transition clearPending(Transition transition) {
    if (health.isPending()) {
      health.pending(false);
      return Transition.CHANGED;
    }
    return transition;
  }

  private void finishCheck(boolean passed, Transition transition) {
    firstCheck = false;
    if (timeoutTimer != null) {
      timeoutTimer.cancel(false);
      timeoutTimer = null;
    }
    checker.checked(host, passed, transition == Transition.CHANGED);
    countFirstRound();
    if (!stopped) {
      long next = checker.nextIntervalMillis(passed, transition == Transition.PENDING);
      intervalTimer = loop.schedule(this::check, next, TimeUnit.MILLISECONDS);
    }
  }

  private void countFirstRound() {
    if (firstRound != null) {
      firstRound.countDown();
      firstRound = null;
    }
  }

  private void cancelTimers() {
    if (intervalTimer != null) {
      intervalTimer.cancel(false);
      intervalTimer = null;
    }
    if (timeoutTimer != null) {
      timeoutTimer.cancel(false);
      timeoutTimer = null;
    }
  }

  /** Envoy's {@code HealthTransition}. */
  private enum Transition {
    UNCHANGED,
    PENDING,
    CHANGED
  }
}
