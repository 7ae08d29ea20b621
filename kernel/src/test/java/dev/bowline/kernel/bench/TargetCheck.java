package dev.bowline.kernel.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One target of the scale benchmark against what was measured: met when the measure is at most
 * the goal. Immutable.
 *
 * @param name what is measured
 * @param measured the figure
 * @param goal the most it may be
 * @param unit the unit of both ({@code ms}, {@code MiB})
 */
record TargetCheck(String name, double measured, double goal, String unit) {

  /** Whether the measure is within the goal. */
  boolean met() {
    return measured <= goal;
  }

  /** {@code name: 812.0 ms (goal <= 1000 ms) met}. */
  String describe() {
    return String.format("%s: %.1f %s (goal <= %.0f %s) %s", name, measured, unit, goal, unit,
        met() ? "MET" : "MISSED");
  }

  Map<String, Object> toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", name);
    out.put("measured", LatencySummary.round(measured));
    out.put("goal", goal);
    out.put("unit", unit);
    out.put("met", met());
    return out;
  }
}
