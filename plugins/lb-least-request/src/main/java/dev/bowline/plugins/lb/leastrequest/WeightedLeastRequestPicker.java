package dev.bowline.plugins.lb.leastrequest;

import dev.bowline.spi.lb.CumulativeWeights;
import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Least request over hosts of different weights. Each pick draws {@code choiceCount} hosts at
 * random in proportion to their weights, with replacement, then keeps one of them with probability
 * proportional to its <em>load factor</em> {@code 1 / (activeRequests + 1)^activeRequestBias}
 * (weighted reservoir sampling, so no list of candidates is kept).
 *
 * <p>A host's chance is thus the product of its weight (in the draw) and its load factor (in the
 * choice): Envoy's dynamic weight {@code weight / (activeRequests + 1)^activeRequestBias}. With
 * {@code activeRequestBias = 0} every load factor is 1 and the picker is a pure weighted random
 * choice; when every host is idle the same holds, so traffic follows the weights exactly; the
 * larger the bias, the more surely the least loaded of the drawn hosts wins. Each host's weight
 * counts exactly once, in the draw: scoring the drawn hosts by weight again would give a heavy
 * host more than its share even when all hosts are idle.
 *
 * <p>Hosts the request excludes (a retry) are drawn but never kept. If every draw hit an excluded
 * host, one host is chosen among all hosts that are not excluded, in proportion to their dynamic
 * weights; if every host is excluded, the first drawn host is returned anyway.
 *
 * <p><b>Threading.</b> Immutable; {@link #pick(PickContext)} reads each sampled host's
 * {@link UpstreamHost#activeRequests()} once and uses {@link ThreadLocalRandom}: lock-free,
 * allocation-free, safe from any number of threads.
 */
final class WeightedLeastRequestPicker implements Picker {

  private final UpstreamHost[] hosts;
  private final int[] weights;
  private final CumulativeWeights cumulative;
  private final int choiceCount;
  private final double bias;

  /**
   * @param hosts at least one host; the array is not copied and must not change
   * @param weights their weights, each at least 1
   * @param choiceCount how many hosts to draw per pick, at least 1
   * @param bias the active request bias, finite and at least 0
   */
  WeightedLeastRequestPicker(UpstreamHost[] hosts, int[] weights, int choiceCount, double bias) {
    if (hosts.length == 0 || hosts.length != weights.length || choiceCount < 1) {
      throw new IllegalArgumentException("need one weight per host, a host and a choice");
    }
    this.hosts = hosts;
    this.weights = weights.clone();
    this.cumulative = new CumulativeWeights(weights);
    this.choiceCount = choiceCount;
    this.bias = bias;
  }

  @Override
  public UpstreamHost pick(PickContext context) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    UpstreamHost firstDrawn = null;
    UpstreamHost kept = null;
    double factorSum = 0;
    for (int choice = 0; choice < choiceCount; choice++) {
      UpstreamHost sample = hosts[cumulative.indexOf(random.nextLong(cumulative.total()))];
      if (firstDrawn == null) {
        firstDrawn = sample;
      }
      if (context.isExcluded(sample)) {
        continue;
      }
      if (bias == 0) {
        return sample; // every load factor is 1: the first allowed draw is as good as any
      }
      double factor = loadFactor(sample.activeRequests());
      factorSum += factor;
      if (kept == null || random.nextDouble() * factorSum < factor) {
        kept = sample;
      }
    }
    if (kept != null) {
      return kept;
    }
    UpstreamHost allowed = byDynamicWeight(context, random);
    return allowed != null ? allowed : firstDrawn;
  }

  /** {@code 1 / (active + 1)^bias}, with the common biases computed without {@code pow}. */
  double loadFactor(int activeRequests) {
    double load = Math.max(0, activeRequests) + 1.0;
    if (bias == 1.0) {
      return 1.0 / load;
    }
    if (bias == 0.0) {
      return 1.0;
    }
    return 1.0 / Math.pow(load, bias);
  }

  /**
   * A full scan: one host that is not excluded, drawn in proportion to
   * {@code weight * loadFactor}; null when every host is excluded.
   */
  private UpstreamHost byDynamicWeight(PickContext context, ThreadLocalRandom random) {
    UpstreamHost kept = null;
    double sum = 0;
    for (int i = 0; i < hosts.length; i++) {
      UpstreamHost host = hosts[i];
      if (context.isExcluded(host)) {
        continue;
      }
      double dynamicWeight = weights[i] * loadFactor(host.activeRequests());
      sum += dynamicWeight;
      if (kept == null || random.nextDouble() * sum < dynamicWeight) {
        kept = host;
      }
    }
    return kept;
  }

  @Override
  public String toString() {
    return "WeightedLeastRequestPicker{hosts=" + hosts.length + ", choiceCount=" + choiceCount
        + ", activeRequestBias=" + bias + "}";
  }
}
