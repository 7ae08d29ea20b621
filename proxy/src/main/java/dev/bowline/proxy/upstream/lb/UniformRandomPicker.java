package dev.bowline.proxy.upstream.lb;

import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Uniform random choice among hosts of equal weight.
 *
 * <p>When the chosen host is excluded (a retry), a second draw is made uniformly among the hosts
 * that are not excluded, so the result is uniform over them; if every host is excluded the first
 * choice is returned.
 *
 * <p><b>Threading.</b> Immutable; {@link #pick(PickContext)} uses {@link ThreadLocalRandom}, so it is
 * lock-free, allocation-free and safe from any number of threads.
 */
final class UniformRandomPicker implements Picker {

  private final UpstreamHost[] hosts;

  /** @param hosts at least one host; the array is not copied and must not change */
  UniformRandomPicker(UpstreamHost[] hosts) {
    if (hosts.length == 0) {
      throw new IllegalArgumentException("at least one host is needed");
    }
    this.hosts = hosts;
  }

  @Override
  public UpstreamHost pick(PickContext context) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    UpstreamHost chosen = hosts[random.nextInt(hosts.length)];
    if (!context.isExcluded(chosen)) {
      return chosen;
    }
    int allowed = 0;
    for (UpstreamHost host : hosts) {
      if (!context.isExcluded(host)) {
        allowed++;
      }
    }
    if (allowed == 0) {
      return chosen;
    }
    int skip = random.nextInt(allowed);
    for (UpstreamHost host : hosts) {
      if (!context.isExcluded(host) && skip-- == 0) {
        return host;
      }
    }
    return chosen; // unreachable unless isExcluded changed its answer during the pick
  }

  @Override
  public String toString() {
    return "UniformRandomPicker{hosts=" + hosts.length + "}";
  }
}
