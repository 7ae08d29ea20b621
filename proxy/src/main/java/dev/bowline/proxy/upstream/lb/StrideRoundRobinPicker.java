package dev.bowline.proxy.upstream.lb;

import dev.bowline.spi.lb.CumulativeWeights;
import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Weighted round robin for weight sets too large to precompute a schedule for: host {@code i} owns
 * a stretch of {@code weight[i]} points of the ring {@code [0, totalWeight)}, and a shared position
 * steps around the ring by a fixed stride close to {@code totalWeight / φ} (the golden ratio) and
 * coprime with {@code totalWeight}.
 *
 * <p>Because the stride is coprime with the total, one period of {@code totalWeight} picks visits
 * every point exactly once, so each host gets exactly {@code weight / totalWeight} of the picks. The
 * golden-ratio stride (a Weyl sequence, by the three-gap theorem) spreads the visits to each
 * stretch evenly through the period, so picks of a heavy host are interleaved with the others
 * almost as well as with {@link SmoothWeightedSchedule}.
 *
 * <p>When the chosen host is excluded (a retry), the hosts that follow it in list order are tried;
 * if every host is excluded the chosen one is returned.
 *
 * <p><b>Threading.</b> {@link #pick(PickContext)} advances the position with a compare-and-set
 * loop (lock-free, never blocking; a thread only retries when another thread advanced the position
 * meanwhile) and finds the owner by binary search: O(log hosts), allocation-free.
 */
final class StrideRoundRobinPicker implements Picker {

  /** 1/φ = φ - 1. */
  private static final double GOLDEN_FRACTION = 0.6180339887498949;

  private final UpstreamHost[] hosts;
  private final CumulativeWeights ring;
  private final long total;
  private final long stride;
  private final AtomicLong position;

  /**
   * @param hosts the hosts; the array is not copied and must not change
   * @param weights their weights, each at least 1, ideally with their common divisor divided out
   * @param start the first point of the ring to visit
   */
  StrideRoundRobinPicker(UpstreamHost[] hosts, int[] weights, long start) {
    if (hosts.length == 0 || hosts.length != weights.length) {
      throw new IllegalArgumentException("need one weight per host, and at least one host");
    }
    this.hosts = hosts;
    this.ring = new CumulativeWeights(weights);
    this.total = ring.total();
    this.stride = strideFor(total);
    this.position = new AtomicLong(Math.floorMod(start, total));
  }

  /** The step, near {@code total / φ} and coprime with {@code total}; 1 when {@code total < 3}. */
  static long strideFor(long total) {
    if (total < 3) {
      return 1;
    }
    long stride = Math.max(1, Math.min(total - 1, Math.round(total * GOLDEN_FRACTION)));
    while (HostWeights.gcd(stride, total) != 1) {
      stride++;
    }
    return stride;
  }

  @Override
  public UpstreamHost pick(PickContext context) {
    long point;
    long following;
    do {
      point = position.get();
      following = point + stride;
      if (following >= total) {
        following -= total;
      }
    } while (!position.compareAndSet(point, following));
    int index = ring.indexOf(point);
    UpstreamHost chosen = hosts[index];
    if (!context.isExcluded(chosen)) {
      return chosen;
    }
    return HostScan.firstAllowedFrom(hosts, index, context);
  }

  /** The length of one period, in picks: the total weight. */
  long period() {
    return total;
  }

  @Override
  public String toString() {
    return "StrideRoundRobinPicker{hosts=" + hosts.length + ", period=" + total + "}";
  }
}
