package dev.bowline.plugins.lb.leastrequest;

/**
 * The validated configuration of {@code bowline.lb.least_request}, with Envoy's field names.
 *
 * <p>Immutable and thread-safe.
 *
 * @param choiceCount how many hosts each pick samples, from {@value #MIN_CHOICE_COUNT} to
 *     {@value #MAX_CHOICE_COUNT} (Envoy's {@code choice_count}, default {@value
 *     #DEFAULT_CHOICE_COUNT})
 * @param activeRequestBias how strongly active requests lower a host's chance when weights differ,
 *     finite and at least 0 (Envoy's {@code active_request_bias}, default {@value
 *     #DEFAULT_ACTIVE_REQUEST_BIAS}); 0 ignores load and balances by weight alone
 */
public record LeastRequestConfig(int choiceCount, double activeRequestBias) {

  /** Envoy's default: two choices. */
  public static final int DEFAULT_CHOICE_COUNT = 2;

  /** Fewer than two choices would be plain random balancing. */
  public static final int MIN_CHOICE_COUNT = 2;

  /**
   * Bowline's upper bound: each choice costs a random draw on every request, and beyond a few
   * choices the pick only gets slower, not better.
   */
  public static final int MAX_CHOICE_COUNT = 100;

  /** Envoy's default bias. */
  public static final double DEFAULT_ACTIVE_REQUEST_BIAS = 1.0;

  /** The configuration used when the operator gives none: two choices, bias 1. */
  public static final LeastRequestConfig DEFAULT =
      new LeastRequestConfig(DEFAULT_CHOICE_COUNT, DEFAULT_ACTIVE_REQUEST_BIAS);

  /**
   * Checks the ranges.
   *
   * @param choiceCount how many hosts each pick samples
   * @param activeRequestBias how strongly active requests lower a host's chance
   * @throws IllegalArgumentException if a value is out of range (operator input should go through
   *     {@link LeastRequestLoadBalancerFactory#parseConfig(java.util.Map)}, which reports instead)
   */
  public LeastRequestConfig {
    if (choiceCount < MIN_CHOICE_COUNT || choiceCount > MAX_CHOICE_COUNT) {
      throw new IllegalArgumentException(
          "choiceCount " + choiceCount + " is outside " + MIN_CHOICE_COUNT + ".." + MAX_CHOICE_COUNT);
    }
    if (!(activeRequestBias >= 0) || Double.isInfinite(activeRequestBias)) {
      throw new IllegalArgumentException(
          "activeRequestBias " + activeRequestBias + " is not a finite number at least 0");
    }
  }
}
