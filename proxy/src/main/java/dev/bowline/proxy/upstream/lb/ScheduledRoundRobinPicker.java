package dev.bowline.proxy.upstream.lb;

import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Weighted round robin from a precomputed schedule (one period of {@link SmoothWeightedSchedule}):
 * a shared counter walks the schedule, so over any whole number of periods each host gets exactly
 * {@code weight / totalWeight} of the picks, and its picks are spread evenly through the period.
 *
 * <p>When the chosen host is excluded (a retry), the following slots of the schedule are tried in
 * order, without advancing the counter further, so the retry goes to the host that was due next;
 * every host appears in each period, so at most one period is scanned. If every host is excluded
 * the chosen one is returned.
 *
 * <p><b>Threading.</b> Immutable apart from one {@link AtomicLong}; {@link #pick(PickContext)} is one
 * lock-free increment and an array read, allocation-free, safe from any number of threads.
 */
final class ScheduledRoundRobinPicker implements Picker {

  private final UpstreamHost[] hosts;
  private final int[] schedule;
  private final AtomicLong next;

  /**
   * @param hosts the hosts; the array is not copied and must not change
   * @param schedule one period of host indices into {@code hosts}, non-empty
   * @param start the slot of the schedule to start at
   */
  ScheduledRoundRobinPicker(UpstreamHost[] hosts, int[] schedule, long start) {
    if (schedule.length == 0) {
      throw new IllegalArgumentException("the schedule is empty");
    }
    this.hosts = hosts;
    this.schedule = schedule;
    this.next = new AtomicLong(Math.floorMod(start, schedule.length));
  }

  @Override
  public UpstreamHost pick(PickContext context) {
    int period = schedule.length;
    int slot = Math.floorMod(next.getAndIncrement(), period);
    UpstreamHost chosen = hosts[schedule[slot]];
    if (!context.isExcluded(chosen)) {
      return chosen;
    }
    for (int i = 1; i < period; i++) {
      int later = slot + i;
      if (later >= period) {
        later -= period;
      }
      UpstreamHost candidate = hosts[schedule[later]];
      if (candidate != chosen && !context.isExcluded(candidate)) {
        return candidate;
      }
    }
    return chosen;
  }

  /** The length of one period, in picks. */
  int period() {
    return schedule.length;
  }

  @Override
  public String toString() {
    return "ScheduledRoundRobinPicker{hosts=" + hosts.length + ", period=" + schedule.length + "}";
  }
}
