package dev.bowline.proxy.upstream.lb;

import dev.bowline.spi.lb.UpstreamHost;

/**
 * Reads the weights of a host snapshot once, when a picker is built, so pickers never call
 * {@link UpstreamHost#weight()} on the request path.
 *
 * <p>Stateless and thread-safe.
 */
final class HostWeights {

  private HostWeights() {}

  /**
   * The weight of each host, in order. A weight below 1 (which {@link UpstreamHost} forbids) is
   * read as 1, so a misbehaving host implementation cannot stop traffic.
   */
  static int[] of(UpstreamHost[] hosts) {
    int[] weights = new int[hosts.length];
    for (int i = 0; i < hosts.length; i++) {
      weights[i] = Math.max(1, hosts[i].weight());
    }
    return weights;
  }

  /** Whether every weight is the same (true for zero or one weight). */
  static boolean allEqual(int[] weights) {
    for (int i = 1; i < weights.length; i++) {
      if (weights[i] != weights[0]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The weights divided by their greatest common divisor: the same proportions with the shortest
   * period, e.g. {@code [2, 4, 6]} becomes {@code [1, 2, 3]}.
   */
  static int[] reduced(int[] weights) {
    int divisor = 0;
    for (int weight : weights) {
      divisor = gcd(divisor, weight);
    }
    int[] result = new int[weights.length];
    for (int i = 0; i < weights.length; i++) {
      result[i] = divisor == 0 ? weights[i] : weights[i] / divisor;
    }
    return result;
  }

  /** The sum of the weights. */
  static long total(int[] weights) {
    long total = 0;
    for (int weight : weights) {
      total += weight;
    }
    return total;
  }

  static int gcd(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}
