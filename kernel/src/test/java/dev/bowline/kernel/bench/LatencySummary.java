package dev.bowline.kernel.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The distribution of a set of durations in milliseconds: count, min, p50, p90, p99 and max
 * (nearest-rank percentiles: p99 of 30 samples is the largest), and the mean. Immutable.
 *
 * @param count how many samples
 * @param min the smallest
 * @param p50 the median (nearest rank)
 * @param p90 the 90th percentile
 * @param p99 the 99th percentile
 * @param max the largest
 * @param mean the arithmetic mean
 */
record LatencySummary(int count, double min, double p50, double p90, double p99, double max,
    double mean) {

  /** The summary of {@code millis}; all zero for no samples. */
  static LatencySummary of(double[] millis) {
    if (millis.length == 0) {
      return new LatencySummary(0, 0, 0, 0, 0, 0, 0);
    }
    double[] sorted = millis.clone();
    Arrays.sort(sorted);
    double sum = 0;
    for (double v : sorted) {
      sum += v;
    }
    return new LatencySummary(
        sorted.length,
        sorted[0],
        rank(sorted, 50),
        rank(sorted, 90),
        rank(sorted, 99),
        sorted[sorted.length - 1],
        sum / sorted.length);
  }

  /** The smallest sample such that at least {@code percent}% of the samples are at most it. */
  static double rank(double[] sorted, double percent) {
    int n = (int) Math.ceil(percent / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, n) - 1)];
  }

  /** {@code p50 12.3 / p99 45.6 / max 47.0 ms (n=30)}. */
  String describe() {
    return String.format(
        "p50 %.1f / p90 %.1f / p99 %.1f / max %.1f ms (n=%d)", p50, p90, p99, max, count);
  }

  /** The figures as a JSON-ready map, rounded to 0.1 ms. */
  Map<String, Object> toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("count", count);
    out.put("min_ms", round(min));
    out.put("p50_ms", round(p50));
    out.put("p90_ms", round(p90));
    out.put("p99_ms", round(p99));
    out.put("max_ms", round(max));
    out.put("mean_ms", round(mean));
    return out;
  }

  static double round(double millis) {
    return Math.round(millis * 10) / 10.0;
  }
}
