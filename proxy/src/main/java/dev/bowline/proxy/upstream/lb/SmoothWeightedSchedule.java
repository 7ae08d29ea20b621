package dev.bowline.proxy.upstream.lb;

/**
 * Computes one period of smooth weighted round robin (the algorithm of nginx's
 * {@code upstream} module): at every step each host's credit grows by its weight, the host with
 * the most credit is chosen (the lowest index on a tie) and pays back the total weight.
 *
 * <p>Over one period of {@code sum(weights)} steps each host is chosen exactly as many times as its
 * weight and the credits return to zero, so the period repeats. Choices of a heavy host are
 * interleaved with the others rather than bunched: weights {@code [5, 1, 1]} give
 * {@code 0 0 1 0 2 0 0} where a naive weighted round robin gives {@code 0 0 0 0 0 1 2}.
 *
 * <p>Cost: O(period &times; hosts) time, O(period) space. Stateless and thread-safe.
 */
final class SmoothWeightedSchedule {

  private SmoothWeightedSchedule() {}

  /**
   * One period of the schedule, as host indices.
   *
   * @param weights the weights, each at least 1, whose sum must fit in an {@code int}; callers
   *     should divide out their common divisor first (see {@link HostWeights#reduced(int[])}) to get
   *     the shortest period
   * @return an array of length {@code sum(weights)}
   */
  static int[] compute(int[] weights) {
    long total = HostWeights.total(weights);
    if (total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("total weight " + total + " is too large for a schedule");
    }
    int period = (int) total;
    long[] credit = new long[weights.length];
    int[] schedule = new int[period];
    for (int step = 0; step < period; step++) {
      int best = 0;
      for (int i = 0; i < weights.length; i++) {
        credit[i] += weights[i];
        if (credit[i] > credit[best]) {
          best = i;
        }
      }
      credit[best] -= period;
      schedule[step] = best;
    }
    return schedule;
  }
}
