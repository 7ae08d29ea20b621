package dev.bowline.proxy.upstream.priority;

import java.util.Arrays;

/**
 * How a cluster's traffic is shared among its priority levels, computed as Envoy's load balancer
 * computes it ({@code recalculatePerPriorityState}, {@code recalculatePerPriorityPanic}):
 *
 * <ol>
 *   <li>each level's <b>health</b> is its healthy share times the overprovisioning factor, at
 *       most 100 (by host count, or by weight with {@code weighted_priority_health}): with the
 *       default factor 1.4 a level with 72% of its hosts healthy still takes all its load;
 *   <li>levels take <b>load</b> in order, each as much of what is left as its health, scaled so
 *       that the levels' total health (at most 100) makes 100%; rounding is given to the first
 *       level with health;
 *   <li>a level is in <b>panic</b> when fewer than {@code panic_threshold} percent of its hosts
 *       are healthy, unless the total health is 100: it then balances across all its hosts; when
 *       every level is in panic, load is shared by the levels' host counts;
 *   <li>with panic disabled (threshold 0) and no health anywhere, level 0 takes all the load and
 *       finds no host.
 * </ol>
 *
 * <p>Immutable.
 */
public final class PriorityLoads {

  private final int[] load;
  private final boolean[] panic;

  private PriorityLoads(int[] load, boolean[] panic) {
    this.load = load;
    this.panic = panic;
  }

  /** One priority level's hosts as the computation sees them. */
  public record Level(int hosts, int healthyHosts, long weight, long healthyWeight) {

    public Level {
      if (hosts < 0 || healthyHosts < 0 || healthyHosts > hosts || weight < 0
          || healthyWeight < 0 || healthyWeight > weight) {
        throw new IllegalArgumentException(
            "inconsistent level: " + healthyHosts + "/" + hosts + " hosts, " + healthyWeight
                + "/" + weight + " weight");
      }
    }
  }

  /**
   * Computes the loads.
   *
   * @param levels the levels from priority 0 on; at least one
   * @param overprovisioningFactor in percent (Envoy's default 140)
   * @param weightedHealth whether health is by weight rather than host count
   * @param panicThreshold in percent; 0 disables panic
   */
  public static PriorityLoads compute(
      Level[] levels, int overprovisioningFactor, boolean weightedHealth, int panicThreshold) {
    int n = levels.length;
    if (n == 0) {
      throw new IllegalArgumentException("no priority level");
    }
    int[] health = new int[n];
    int totalHealth = 0;
    for (int i = 0; i < n; i++) {
      Level level = levels[i];
      long total = weightedHealth ? level.weight() : level.hosts();
      long healthy = weightedHealth ? level.healthyWeight() : level.healthyHosts();
      if (total > 0) {
        health[i] = (int) Math.min(100, overprovisioningFactor * healthy / total);
      }
      totalHealth += health[i];
    }
    int normalizedTotal = Math.min(100, totalHealth);
    int[] load = new int[n];
    boolean[] panic = new boolean[n];
    if (normalizedTotal > 0) {
      int left = 100;
      int firstHealthy = -1;
      for (int i = 0; i < n; i++) {
        if (firstHealthy < 0 && health[i] > 0) {
          firstHealthy = i;
        }
        load[i] = Math.min(left, health[i] * 100 / normalizedTotal);
        left -= load[i];
      }
      load[firstHealthy] += left;
    }
    if (panicThreshold == 0 && normalizedTotal == 0) {
      load[0] = 100;
      return new PriorityLoads(load, panic);
    }
    boolean allPanic = true;
    for (int i = 0; i < n; i++) {
      Level level = levels[i];
      double healthyPercent =
          level.hosts() == 0 ? 0 : 100.0 * level.healthyHosts() / level.hosts();
      panic[i] = normalizedTotal != 100 && healthyPercent < panicThreshold;
      allPanic &= panic[i];
    }
    if (allPanic) {
      loadByHostCount(levels, load);
    }
    return new PriorityLoads(load, panic);
  }

  /** Envoy's {@code recalculateLoadInTotalPanic}: load by the levels' shares of all hosts. */
  private static void loadByHostCount(Level[] levels, int[] load) {
    long total = 0;
    for (Level level : levels) {
      total += level.hosts();
    }
    Arrays.fill(load, 0);
    if (total == 0) {
      load[0] = 100;
      return;
    }
    int left = 100;
    int firstNonEmpty = -1;
    for (int i = 0; i < levels.length; i++) {
      if (firstNonEmpty < 0 && levels[i].hosts() > 0) {
        firstNonEmpty = i;
      }
      load[i] = (int) (100L * levels[i].hosts() / total);
      left -= load[i];
    }
    load[firstNonEmpty] += left;
  }

  /** The number of levels. */
  public int levels() {
    return load.length;
  }

  /** The percentage of requests level {@code i} takes; the levels' loads add up to 100. */
  public int load(int i) {
    return load[i];
  }

  /** Whether level {@code i} balances across all its hosts, healthy or not. */
  public boolean panic(int i) {
    return panic[i];
  }

  @Override
  public String toString() {
    return "PriorityLoads{load=" + Arrays.toString(load) + ", panic=" + Arrays.toString(panic)
        + "}";
  }
}
