package dev.bowline.proxy.xds;

import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.spi.plugin.PluginMetrics.Counter;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The client's metrics, with Envoy-like names: {@code envoy_control_plane_connected_state} (1 while
 * the ADS stream is up), and per type ({@code xds_type} = {@code cds}, {@code eds}, {@code lds},
 * {@code rds}) {@code envoy_xds_update_success} and {@code envoy_xds_update_rejected}.
 *
 * <p>Thread-safe.
 */
final class XdsMetrics {

  private final Map<XdsResourceType, Counter> successes = new EnumMap<>(XdsResourceType.class);
  private final Map<XdsResourceType, Counter> rejections = new EnumMap<>(XdsResourceType.class);

  XdsMetrics(MetricRegistry metrics, BooleanSupplier connected) {
    metrics.gauge("envoy_control_plane_connected_state",
        "1 while the proxy's ADS stream to the control plane is up, else 0.", Map.of(),
        () -> connected.getAsBoolean() ? 1 : 0);
    for (XdsResourceType type : XdsResourceType.values()) {
      Map<String, String> labels = Map.of("xds_type", type.shortName().toLowerCase());
      successes.put(type, metrics.counter("envoy_xds_update_success",
          "xDS responses accepted (ACKed) and applied.", labels));
      rejections.put(type, metrics.counter("envoy_xds_update_rejected",
          "xDS responses rejected (NACKed); the last good configuration kept running.", labels));
    }
  }

  void accepted(XdsResourceType type) {
    successes.get(type).increment();
  }

  void rejected(XdsResourceType type) {
    rejections.get(type).increment();
  }
}
