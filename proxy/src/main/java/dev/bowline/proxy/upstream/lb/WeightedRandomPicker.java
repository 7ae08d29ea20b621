package dev.bowline.proxy.upstream.lb;

import dev.bowline.spi.lb.CumulativeWeights;
import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random choice in proportion to weight: a uniform point of {@code [0, totalWeight)} is mapped to
 * its host by binary search over the prefix sums of the weights (O(log hosts)).
 *
 * <p>When the chosen host is excluded (a retry), a second draw is made among the hosts that are not
 * excluded, in proportion to their weights, so the result follows the weights of the remaining
 * hosts exactly; if every host is excluded the first choice is returned.
 *
 * <p><b>Threading.</b> Immutable; {@link #pick(PickContext)} uses {@link ThreadLocalRandom}, so it is
 * lock-free, allocation-free and safe from any number of threads.
 */
final class WeightedRandomPicker implements Picker {

  private final UpstreamHost[] hosts;
  private final int[] weights;
  private final CumulativeWeights cumulative;

  /**
   * @param hosts at least one host; the array is not copied and must not change
   * @param weights their weights, each at least 1
   */
  WeightedRandomPicker(UpstreamHost[] hosts, int[] weights) {
    if (hosts.length == 0 || hosts.length != weights.length) {
      throw new IllegalArgumentException("need one weight per host, and at least one host");
    }
    this.hosts = hosts;
    this.weights = weights.clone();
    this.cumulative = new CumulativeWeights(weights);
  }

  @Override
  public UpstreamHost pick(PickContext context) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    UpstreamHost chosen = hosts[cumulative.indexOf(random.nextLong(cumulative.total()))];
    if (!context.isExcluded(chosen)) {
      return chosen;
    }
    long allowedWeight = 0;
    for (int i = 0; i < hosts.length; i++) {
      if (!context.isExcluded(hosts[i])) {
        allowedWeight += weights[i];
      }
    }
    if (allowedWeight == 0) {
      return chosen;
    }
    long point = random.nextLong(allowedWeight);
    for (int i = 0; i < hosts.length; i++) {
      if (!context.isExcluded(hosts[i])) {
        point -= weights[i];
        if (point < 0) {
          return hosts[i];
        }
      }
    }
    return chosen; // unreachable unless isExcluded changed its answer during the pick
  }

  @Override
  public String toString() {
    return "WeightedRandomPicker{hosts=" + hosts.length + ", totalWeight=" + cumulative.total() + "}";
  }
}
