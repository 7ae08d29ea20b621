package dev.bowline.proxy.upstream.lb;

/** Measures how evenly a weighted sequence spreads each host's picks. */
final class Smoothness {

  private Smoothness() {}

  /**
   * The largest gap, over every prefix of {@code sequence} and every host, between how often the
   * host was chosen and how often its weight says it should have been by then: 0 would be perfect,
   * below 1 means no host is ever a whole pick ahead of or behind its share.
   */
  static double maxPrefixDeviation(int[] sequence, int[] weights) {
    long total = 0;
    for (int weight : weights) {
      total += weight;
    }
    long[] counts = new long[weights.length];
    double worst = 0;
    for (int t = 0; t < sequence.length; t++) {
      counts[sequence[t]]++;
      for (int i = 0; i < weights.length; i++) {
        double due = (t + 1.0) * weights[i] / total;
        worst = Math.max(worst, Math.abs(counts[i] - due));
      }
    }
    return worst;
  }

  /**
   * The longest run a host of weight {@code weight} needs in a cyclic sequence of total weight
   * {@code total} if the others are spread between its picks, plus one: one more than
   * {@code ceil(weight / (total - weight))}.
   */
  static int runBound(int weight, long total) {
    return (int) ((weight + (total - weight) - 1) / (total - weight)) + 1;
  }

  /** The naive weighted sequence: host 0 weight-many times, then host 1, and so on. */
  static int[] naive(int[] weights) {
    int total = 0;
    for (int weight : weights) {
      total += weight;
    }
    int[] sequence = new int[total];
    int t = 0;
    for (int i = 0; i < weights.length; i++) {
      for (int k = 0; k < weights[i]; k++) {
        sequence[t++] = i;
      }
    }
    return sequence;
  }
}
