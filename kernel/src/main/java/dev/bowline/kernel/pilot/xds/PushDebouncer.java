package dev.bowline.kernel.pilot.xds;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Coalesces push requests: a push runs once no request came for the quiet period, and at the
 * latest the maximum delay after the first request it coalesces, even if requests keep coming.
 * Requests that arrive while a push runs are coalesced into the next one.
 *
 * <p><b>Threading.</b> {@link #request} is thread-safe and never blocks on a push. The push runs
 * on the given executor, which must be single-threaded for pushes never to overlap.
 */
final class PushDebouncer {

  /** At most this many distinct reasons are kept per push. */
  static final int MAX_REASONS = 32;

  /** The requests one push coalesced. */
  record Batch(List<String> reasons, int requests) {}

  private final ScheduledExecutorService executor;
  private final long quietNanos;
  private final long maxDelayNanos;
  private final Consumer<Batch> push;

  private final Object lock = new Object();
  private final Set<String> reasons = new LinkedHashSet<>();
  private int requests;
  private long firstRequestNanos;
  private long lastRequestNanos;
  private boolean scheduled;

  PushDebouncer(
      ScheduledExecutorService executor, Duration quiet, Duration maxDelay, Consumer<Batch> push) {
    if (quiet.isNegative() || maxDelay.isNegative()) {
      throw new IllegalArgumentException("debounce durations must not be negative");
    }
    this.executor = executor;
    this.quietNanos = quiet.toNanos();
    this.maxDelayNanos = maxDelay.toNanos();
    this.push = push;
  }

  /** Asks for a push; {@code reason} says why (for logs and the API). */
  void request(String reason) {
    synchronized (lock) {
      long now = System.nanoTime();
      if (requests == 0) {
        firstRequestNanos = now;
      }
      requests++;
      lastRequestNanos = now;
      if (reasons.size() < MAX_REASONS) {
        reasons.add(reason);
      }
      if (!scheduled) {
        scheduled = schedule(Math.min(quietNanos, maxDelayNanos));
      }
    }
  }

  private boolean schedule(long delayNanos) {
    try {
      executor.schedule(this::fire, delayNanos, TimeUnit.NANOSECONDS);
      return true;
    } catch (RejectedExecutionException closing) {
      return false; // the server is closing: nothing will be pushed any more
    }
  }

  private void fire() {
    Batch batch;
    synchronized (lock) {
      long now = System.nanoTime();
      long due = Math.min(lastRequestNanos + quietNanos, firstRequestNanos + maxDelayNanos);
      if (now - due < 0) {
        scheduled = schedule(due - now);
        return;
      }
      batch = new Batch(List.copyOf(reasons), requests);
      reasons.clear();
      requests = 0;
      scheduled = false;
    }
    push.accept(batch);
  }
}
