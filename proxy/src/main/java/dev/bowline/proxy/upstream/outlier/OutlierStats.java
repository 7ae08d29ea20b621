package dev.bowline.proxy.upstream.outlier;

import dev.bowline.spi.plugin.PluginMetrics;
import dev.bowline.spi.plugin.PluginMetrics.Counter;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A cluster's outlier-detection statistics with Envoy's names as its Prometheus exporter renders
 * them ({@code envoy_cluster_outlier_detection_ejections_active{envoy_cluster_name="..."}}):
 * ejections detected and enforced by reason, enforced in total, refused because too many hosts
 * were out ({@code ejections_overflow}), and the gauge of hosts ejected now.
 *
 * <p>Thread-safe.
 */
public final class OutlierStats {

  private static final String PREFIX = "envoy_cluster_outlier_detection_";

  private final Map<EjectionType, Counter> detected = new EnumMap<>(EjectionType.class);
  private final Map<EjectionType, Counter> enforced = new EnumMap<>(EjectionType.class);
  private final Counter enforcedTotal;
  private final Counter overflow;
  private final AtomicInteger active = new AtomicInteger();
  private final Map<String, String> labels;

  /** The counters of {@code cluster}, registered in {@code metrics}. */
  public OutlierStats(String cluster, PluginMetrics metrics) {
    labels = Map.of("envoy_cluster_name", cluster);
    for (EjectionType type : EjectionType.values()) {
      detected.put(type, metrics.counter(PREFIX + "ejections_detected_" + type.statSuffix(),
          "Outliers detected by " + type.statSuffix() + ", enforced or not.", labels));
      enforced.put(type, metrics.counter(PREFIX + "ejections_enforced_" + type.statSuffix(),
          "Ejections enforced by " + type.statSuffix() + ".", labels));
    }
    enforcedTotal = metrics.counter(PREFIX + "ejections_enforced_total",
        "Ejections enforced, for any reason.", labels);
    overflow = metrics.counter(PREFIX + "ejections_overflow",
        "Ejections not made because max_ejection_percent was reached.", labels);
  }

  /**
   * Registers the {@code ejections_active} gauge, replacing that of an earlier cluster of the same
   * name: called when the cluster starts running.
   */
  public void publishGauges(PluginMetrics metrics) {
    metrics.gauge(PREFIX + "ejections_active", "Hosts ejected now.", labels, active::get);
  }

  void detected(EjectionType type) {
    detected.get(type).increment();
  }

  void enforced(EjectionType type) {
    enforcedTotal.increment();
    enforced.get(type).increment();
    active.incrementAndGet();
  }

  void returned() {
    active.decrementAndGet();
  }

  void overflowed() {
    overflow.increment();
  }

  /** Hosts ejected now. */
  public int active() {
    return active.get();
  }
}
