package dev.bowline.plugins.lb.leastrequest;

import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Least request over hosts of equal weight, as Envoy's {@code N_CHOICES} selection: draw
 * {@code choiceCount} hosts uniformly at random, with replacement, and take the one with the
 * fewest active requests (the first drawn on a tie, so idle hosts share traffic evenly).
 *
 * <p>Hosts the request excludes (a retry) are drawn but never chosen. If every draw hit an excluded
 * host, all hosts are scanned for the least loaded host that is not excluded, ties broken at random
 * (Envoy's {@code FULL_SCAN}); if every host is excluded, the least loaded host is returned anyway.
 *
 * <p><b>Threading.</b> Immutable; {@link #pick(PickContext)} reads each sampled host's
 * {@link UpstreamHost#activeRequests()} once and uses {@link ThreadLocalRandom}: lock-free,
 * allocation-free, safe from any number of threads.
 */
final class PowerOfChoicesPicker implements Picker {

  private final UpstreamHost[] hosts;
  private final int choiceCount;

  /**
   * @param hosts at least one host; the array is not copied and must not change
   * @param choiceCount how many hosts to draw per pick, at least 1
   */
  PowerOfChoicesPicker(UpstreamHost[] hosts, int choiceCount) {
    if (hosts.length == 0 || choiceCount < 1) {
      throw new IllegalArgumentException("need at least one host and one choice");
    }
    this.hosts = hosts;
    this.choiceCount = choiceCount;
  }

  @Override
  public UpstreamHost pick(PickContext context) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    UpstreamHost best = null;
    int bestActive = 0;
    for (int choice = 0; choice < choiceCount; choice++) {
      UpstreamHost sample = hosts[random.nextInt(hosts.length)];
      if (context.isExcluded(sample)) {
        continue;
      }
      int active = sample.activeRequests();
      if (best == null || active < bestActive) {
        best = sample;
        bestActive = active;
      }
    }
    if (best != null) {
      return best;
    }
    UpstreamHost allowed = leastLoaded(context, true, random);
    return allowed != null ? allowed : leastLoaded(context, false, random);
  }

  /** A full scan: the least loaded host (among those not excluded, if asked), ties at random. */
  private UpstreamHost leastLoaded(
      PickContext context, boolean skipExcluded, ThreadLocalRandom random) {
    UpstreamHost best = null;
    int bestActive = 0;
    int ties = 0;
    for (UpstreamHost host : hosts) {
      if (skipExcluded && context.isExcluded(host)) {
        continue;
      }
      int active = host.activeRequests();
      if (best == null || active < bestActive) {
        best = host;
        bestActive = active;
        ties = 1;
      } else if (active == bestActive && random.nextInt(++ties) == 0) {
        best = host; // reservoir sampling: each tied host ends up chosen with probability 1/ties
      }
    }
    return best;
  }

  @Override
  public String toString() {
    return "PowerOfChoicesPicker{hosts=" + hosts.length + ", choiceCount=" + choiceCount + "}";
  }
}
