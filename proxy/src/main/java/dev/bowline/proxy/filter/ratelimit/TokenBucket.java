package dev.bowline.proxy.filter.ratelimit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Envoy's token bucket ({@code envoy.type.v3.TokenBucket}) as Envoy's local rate limit now runs it:
 * it starts full with {@code max_tokens}, refills continuously at {@code tokens_per_fill} per
 * {@code fill_interval} up to {@code max_tokens}, and each request takes one token.
 *
 * <p>The whole state is one number, the (virtual) time at which the bucket was empty, in an {@link
 * AtomicLong}: the tokens at a time {@code t} are {@code min(max, (t - emptyAt) * rate)}, and taking
 * a token moves {@code emptyAt} forward by one token's worth of time, with a compare-and-set. So
 * the bucket is lock-free, shared by every event loop, allocates nothing and never blocks; refills
 * need no timer.
 *
 * <p>Thread-safe.
 */
public final class TokenBucket {

  private final long maxTokens;
  private final double nanosPerToken;
  private final double fullNanos;
  private final LongSupplier clock;
  private final long origin;
  /** The double bits of the time (nanoseconds after {@link #origin}) the bucket was empty. */
  private final AtomicLong emptyAt;

  /**
   * A full bucket.
   *
   * @param maxTokens at least 1
   * @param tokensPerFill at least 1
   * @param fillInterval greater than zero
   * @param clock nanoseconds, as {@link System#nanoTime()}
   */
  public TokenBucket(long maxTokens, long tokensPerFill, Duration fillInterval, LongSupplier clock) {
    if (maxTokens < 1 || tokensPerFill < 1 || fillInterval.isNegative() || fillInterval.isZero()) {
      throw new IllegalArgumentException(
          "bucket " + maxTokens + " tokens, " + tokensPerFill + " per " + fillInterval);
    }
    this.maxTokens = maxTokens;
    this.nanosPerToken = (double) fillInterval.toNanos() / tokensPerFill;
    this.fullNanos = nanosPerToken * maxTokens;
    this.clock = clock;
    this.origin = clock.getAsLong();
    this.emptyAt = new AtomicLong(Double.doubleToRawLongBits(-fullNanos));
  }

  /** A full bucket on the system's monotonic clock. */
  public TokenBucket(long maxTokens, long tokensPerFill, Duration fillInterval) {
    this(maxTokens, tokensPerFill, fillInterval, System::nanoTime);
  }

  /** Takes one token if there is one; false when the bucket is empty. Never blocks. */
  public boolean tryConsume() {
    double now = clock.getAsLong() - origin;
    long seen = emptyAt.get();
    while (true) {
      // A bucket idle for longer than it takes to fill is full, not fuller.
      double start = Math.max(Double.longBitsToDouble(seen), now - fullNanos);
      double next = start + nanosPerToken;
      if (next > now) {
        return false;
      }
      long witness = emptyAt.compareAndExchange(seen, Double.doubleToRawLongBits(next));
      if (witness == seen) {
        return true;
      }
      seen = witness;
    }
  }

  /** The whole tokens in the bucket now (for tests and diagnostics). */
  public long tokens() {
    double now = clock.getAsLong() - origin;
    double start = Math.max(Double.longBitsToDouble(emptyAt.get()), now - fullNanos);
    return Math.min(maxTokens, (long) Math.floor((now - start) / nanosPerToken));
  }

  /** Tokens added per second, to compare buckets (Envoy takes the slowest-filling first). */
  double fillRatePerSecond() {
    return 1e9 / nanosPerToken;
  }

  @Override
  public String toString() {
    return "bucket{max " + maxTokens + ", " + fillRatePerSecond() + "/s}";
  }
}
