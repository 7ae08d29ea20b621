package dev.bowline.plugins.lb.ringhash;

import dev.bowline.spi.lb.UpstreamHost;

/**
 * The hosts' weights as shares of their sum, computed exactly as Envoy's thread-aware balancers do
 * ({@code weight * 1.0 / sum} in double precision), with the smallest and the largest share. Ring
 * and table sizes are derived from these, so computing them the same way gives the same ring.
 *
 * <p>Immutable after construction; the array is not copied out, so callers must not change it.
 */
final class NormalizedWeights {

  private final double[] shares;
  private final double min;
  private final double max;

  NormalizedWeights(UpstreamHost[] hosts) {
    long sum = 0;
    for (UpstreamHost host : hosts) {
      sum += weightOf(host);
    }
    shares = new double[hosts.length];
    double smallest = 1.0;
    double largest = 0.0;
    for (int i = 0; i < hosts.length; i++) {
      shares[i] = weightOf(hosts[i]) * 1.0 / sum;
      smallest = Math.min(smallest, shares[i]);
      largest = Math.max(largest, shares[i]);
    }
    min = smallest;
    max = largest;
  }

  /** A host's weight; a weight below 1 would break the SPI's contract and counts as 1. */
  static int weightOf(UpstreamHost host) {
    return Math.max(1, host.weight());
  }

  /** The share of host {@code i}, in (0, 1]. */
  double share(int i) {
    return shares[i];
  }

  /** The smallest share; 1.0 when there are no hosts. */
  double min() {
    return min;
  }

  /** The largest share; 0.0 when there are no hosts. */
  double max() {
    return max;
  }
}
