package dev.bowline.proxy.upstream.lb;

import dev.bowline.spi.lb.LoadBalancer;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The balancer behind {@code bowline.lb.round_robin}. For each host set it builds:
 *
 * <ul>
 *   <li>no host: a picker that returns {@code null}; one host: a picker that returns it;
 *   <li>equal weights: {@link EvenRoundRobinPicker}, a plain rotation;
 *   <li>different weights, with a period (the total weight after dividing out the common divisor)
 *       of at most {@value #MAX_SCHEDULE_LENGTH} picks and at most {@value #MAX_SCHEDULE_WORK}
 *       host-steps to compute: {@link ScheduledRoundRobinPicker} over a precomputed smooth
 *       weighted round-robin schedule, as smooth as weighted round robin gets;
 *   <li>larger weight sets: {@link StrideRoundRobinPicker}, which needs no schedule (memory and
 *       build time independent of the weights) and keeps exact proportions per period, at the cost
 *       of an O(log hosts) search per pick and slightly less even spacing.
 * </ul>
 *
 * <p>Each picker starts at a random point of its rotation, as Envoy and grpc-java do, so proxies
 * that receive the same update do not all send their next request to the same host.
 *
 * <p><b>Threading.</b> Stateless; {@link #newPicker(List)} may be called from any thread.
 */
final class RoundRobinLoadBalancer implements LoadBalancer {

  /** Longest precomputed schedule: 64 Ki slots, 256 KiB. */
  static final int MAX_SCHEDULE_LENGTH = 1 << 16;

  /** Most work (period &times; hosts) spent computing a schedule: a few milliseconds. */
  static final long MAX_SCHEDULE_WORK = 1L << 24;

  @Override
  public Picker newPicker(List<UpstreamHost> hosts) {
    UpstreamHost[] snapshot = hosts.toArray(new UpstreamHost[0]);
    if (snapshot.length == 0) {
      return EmptyPicker.INSTANCE;
    }
    if (snapshot.length == 1) {
      return new SingleHostPicker(snapshot[0]);
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int[] weights = HostWeights.of(snapshot);
    if (HostWeights.allEqual(weights)) {
      return new EvenRoundRobinPicker(snapshot, random.nextInt(snapshot.length));
    }
    int[] reduced = HostWeights.reduced(weights);
    long period = HostWeights.total(reduced);
    if (period <= MAX_SCHEDULE_LENGTH && period * snapshot.length <= MAX_SCHEDULE_WORK) {
      int[] schedule = SmoothWeightedSchedule.compute(reduced);
      return new ScheduledRoundRobinPicker(snapshot, schedule, random.nextInt(schedule.length));
    }
    return new StrideRoundRobinPicker(snapshot, reduced, random.nextLong(period));
  }

  @Override
  public String toString() {
    return "RoundRobinLoadBalancer";
  }
}
