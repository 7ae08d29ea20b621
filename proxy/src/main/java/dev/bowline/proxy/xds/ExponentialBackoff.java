package dev.bowline.proxy.xds;

import java.time.Duration;
import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff with full jitter: the n-th wait (from 0) is uniformly random in
 * {@code [0, min(max, initial × 2^n)]}, until {@link #reset()}.
 *
 * <p>Not thread-safe: owned by the client's update thread.
 */
final class ExponentialBackoff {

  private final long initialNanos;
  private final long maxNanos;
  private final LongUnaryOperator random;
  private int attempts;

  /**
   * @param random given a bound {@code b >= 1}, a number uniformly random in {@code [0, b)}
   */
  ExponentialBackoff(Duration initial, Duration max, LongUnaryOperator random) {
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
    this.random = random;
  }

  /** The next wait, each one's ceiling twice the last's, up to the maximum. */
  Duration next() {
    long ceiling = ceiling(attempts);
    if (attempts < 62) {
      attempts++;
    }
    return Duration.ofNanos(random.applyAsLong(ceiling + 1));
  }

  /** The ceiling of the wait after {@code n} earlier waits. */
  long ceiling(int n) {
    if (n >= 62 || initialNanos > (maxNanos >> Math.min(n, 62))) {
      return maxNanos;
    }
    return Math.min(maxNanos, initialNanos << n);
  }

  /** Starts again from the initial ceiling. */
  void reset() {
    attempts = 0;
  }
}
