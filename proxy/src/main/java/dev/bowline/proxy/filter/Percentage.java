package dev.bowline.proxy.filter;

import dev.bowline.proxy.config.Problems;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Envoy's {@code FractionalPercent}: a numerator over 100, 10 000 or 1 000 000, the share of
 * requests something happens to. Sampled as Envoy's runtime samples it: a random number modulo the
 * denominator is below the numerator (a numerator at or above the denominator is always).
 *
 * <p>Immutable and thread-safe; {@link #sample()} draws from {@link ThreadLocalRandom} and never
 * blocks.
 */
public final class Percentage {

  /** Every request. */
  public static final Percentage ALWAYS = new Percentage(1, 1);

  /** No request. */
  public static final Percentage NEVER = new Percentage(0, 1);

  private final long numerator;
  private final long denominator;

  private Percentage(long numerator, long denominator) {
    this.numerator = numerator;
    this.denominator = denominator;
  }

  /** {@code numerator} parts of {@code denominator} (for tests and constants). */
  public static Percentage of(long numerator, long denominator) {
    if (denominator <= 0 || numerator < 0) {
      throw new IllegalArgumentException("fraction " + numerator + "/" + denominator);
    }
    return new Percentage(numerator, denominator);
  }

  /**
   * The percentage {@code value} says; an unset message is 0%, as in Envoy (its numerator is 0).
   *
   * @return null after reporting an unknown denominator at {@code path}
   */
  public static Percentage of(FractionalPercent value, String path, Problems problems) {
    long denominator;
    switch (value.getDenominator()) {
      case HUNDRED -> denominator = 100;
      case TEN_THOUSAND -> denominator = 10_000;
      case MILLION -> denominator = 1_000_000;
      default -> {
        problems.add(
            Problems.join(path, "denominator"),
            "unknown value " + value.getDenominatorValue()
                + " (expected HUNDRED, TEN_THOUSAND or MILLION)");
        return null;
      }
    }
    return new Percentage(Integer.toUnsignedLong(value.getNumerator()), denominator);
  }

  /**
   * A {@code RuntimeFractionalPercent}'s {@code default_value}, or {@code fallback} when the
   * message is absent. Bowline has no runtime: the supported-field checks refuse a {@code
   * runtime_key}.
   *
   * @return null after reporting a problem
   */
  public static Percentage ofRuntime(
      boolean present, RuntimeFractionalPercent value, Percentage fallback, String path,
      Problems problems) {
    if (!present) {
      return fallback;
    }
    return of(value.getDefaultValue(), Problems.join(path, "default_value"), problems);
  }

  /** Whether a request drawing {@code random} is in the share (Envoy's modulo test). */
  public boolean sampled(long random) {
    return numerator >= denominator || Long.remainderUnsigned(random, denominator) < numerator;
  }

  /** Draws for one request. */
  public boolean sample() {
    if (numerator >= denominator) {
      return true;
    }
    return numerator != 0 && sampled(ThreadLocalRandom.current().nextLong());
  }

  /** Whether no request is ever in the share. */
  public boolean isNever() {
    return numerator == 0;
  }

  @Override
  public String toString() {
    return numerator + "/" + denominator;
  }
}
