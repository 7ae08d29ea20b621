package dev.bowline.kernel.pilot.xds;

import dev.bowline.spi.plugin.PluginMetrics;
import dev.bowline.spi.plugin.PluginMetrics.Counter;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.IntSupplier;

/**
 * The xDS server's metrics, under Istio's names so that existing dashboards work:
 *
 * <ul>
 *   <li>{@code pilot_xds_pushes{type}}: responses sent, by type ({@code cds}, {@code eds}, {@code
 *       lds}, {@code rds});
 *   <li>{@code pilot_total_xds_rejects{type}}: responses clients rejected (NACKs), by type;
 *   <li>{@code pilot_xds}: connected clients (a gauge);
 *   <li>{@code pilot_xds_push_time}: seconds a push took (generating and publishing for every
 *       client), a histogram written as its Prometheus series {@code _bucket{le}}, {@code _sum} and
 *       {@code _count} with Istio's buckets.
 * </ul>
 *
 * <p><b>Threading.</b> Thread-safe and lock-free.
 */
final class XdsMetrics {

  /** Istio's buckets for {@code pilot_xds_push_time}, in seconds. */
  static final double[] PUSH_TIME_BUCKETS = {0.01, 0.1, 1, 3, 5, 10, 20, 30};

  private final Map<XdsResourceType, Counter> pushes = new EnumMap<>(XdsResourceType.class);
  private final Map<XdsResourceType, Counter> rejects = new EnumMap<>(XdsResourceType.class);
  private final Counter[] pushTimeBuckets = new Counter[PUSH_TIME_BUCKETS.length + 1];
  private final Counter pushTimeCount;
  private final DoubleAdder pushTimeSum = new DoubleAdder();

  XdsMetrics(PluginMetrics registry, IntSupplier connectedClients) {
    for (XdsResourceType type : XdsResourceType.values()) {
      Map<String, String> labels = Map.of("type", type.shortName());
      pushes.put(
          type,
          registry.counter(
              "pilot_xds_pushes", "xDS responses sent to clients, by type.", labels));
      rejects.put(
          type,
          registry.counter(
              "pilot_total_xds_rejects", "xDS responses rejected by clients, by type.", labels));
    }
    registry.gauge(
        "pilot_xds",
        "Number of xDS clients connected to this Pilot.",
        Map.of(),
        connectedClients::getAsInt);
    String help = "Total time in seconds Pilot takes to push to every client.";
    for (int i = 0; i < PUSH_TIME_BUCKETS.length; i++) {
      pushTimeBuckets[i] =
          registry.counter(
              "pilot_xds_push_time_bucket",
              help,
              Map.of("le", Double.toString(PUSH_TIME_BUCKETS[i])));
    }
    pushTimeBuckets[PUSH_TIME_BUCKETS.length] =
        registry.counter("pilot_xds_push_time_bucket", help, Map.of("le", "+Inf"));
    pushTimeCount = registry.counter("pilot_xds_push_time_count", help, Map.of());
    registry.gauge("pilot_xds_push_time_sum", help, Map.of(), pushTimeSum::sum);
  }

  /** A response of {@code type} was sent. */
  void responseSent(XdsResourceType type) {
    pushes.get(type).increment();
  }

  /** A client rejected a response of {@code type}. */
  void rejected(XdsResourceType type) {
    rejects.get(type).increment();
  }

  /** A push took {@code took}. */
  void pushTook(Duration took) {
    double seconds = took.toNanos() / 1e9;
    for (int i = 0; i < PUSH_TIME_BUCKETS.length; i++) {
      if (seconds <= PUSH_TIME_BUCKETS[i]) {
        pushTimeBuckets[i].increment();
      }
    }
    pushTimeBuckets[PUSH_TIME_BUCKETS.length].increment();
    pushTimeCount.increment();
    pushTimeSum.add(seconds);
  }
}
