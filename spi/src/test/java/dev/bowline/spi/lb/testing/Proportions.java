package dev.bowline.spi.lb.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

/**
 * Statistical checks for random pickers. Each count is compared with its expectation under a
 * binomial model, with a tolerance of {@value #SIGMAS} standard deviations: a correct picker fails
 * one bin with probability about 2e-9, so these tests do not flake, while the distributions the
 * tests contrast with lie hundreds of standard deviations away.
 */
public final class Proportions {

  public static final double SIGMAS = 6.0;

  private Proportions() {}

  /** Shares proportional to {@code weights}. */
  public static double[] sharesOf(double... weights) {
    double total = Arrays.stream(weights).sum();
    return Arrays.stream(weights).map(w -> w / total).toArray();
  }

  public static double[] uniform(int hosts) {
    double[] shares = new double[hosts];
    Arrays.fill(shares, 1.0 / hosts);
    return shares;
  }

  /** Whether every count is within {@link #SIGMAS} standard deviations of its expectation. */
  public static boolean matches(long[] counts, double[] shares) {
    long total = Arrays.stream(counts).sum();
    for (int i = 0; i < counts.length; i++) {
      double expected = total * shares[i];
      double sigma = Math.sqrt(total * shares[i] * (1 - shares[i]));
      if (Math.abs(counts[i] - expected) > SIGMAS * sigma + 1e-9) {
        return false;
      }
    }
    return true;
  }

  public static void assertMatches(long[] counts, double[] shares) {
    assertThat(matches(counts, shares))
        .as("counts %s against expected shares %s (tolerance %s sigma)",
            Arrays.toString(counts), Arrays.toString(shares), SIGMAS)
        .isTrue();
  }

  public static void assertDoesNotMatch(long[] counts, double[] wrongShares) {
    assertThat(matches(counts, wrongShares))
        .as("counts %s must be distinguishable from shares %s",
            Arrays.toString(counts), Arrays.toString(wrongShares))
        .isFalse();
  }
}
