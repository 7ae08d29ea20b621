package dev.bowline.spi.plugin;

import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * Where an extension registers its metrics. The host exposes them in Prometheus text format next
 * to its own. Names follow Prometheus rules ({@code [a-zA-Z_:][a-zA-Z0-9_:]*}); counters should end
 * in {@code _total}.
 *
 * <p><b>Threading.</b> Registration is thread-safe and idempotent: asking twice for the same name
 * and labels returns the same counter. Updating a counter is lock-free and cheap enough for the
 * request path.
 */
public interface PluginMetrics {

  /**
   * Returns the counter with this name and label values, creating it on first use.
   *
   * @throws IllegalArgumentException if the name or a label name is not a valid Prometheus name
   */
  Counter counter(String name, String help, Map<String, String> labels);

  /**
   * Registers a gauge whose value is read from {@code value} at scrape time. The supplier must be
   * cheap and must not block.
   *
   * @throws IllegalArgumentException if the name or a label name is not a valid Prometheus name
   */
  void gauge(String name, String help, Map<String, String> labels, DoubleSupplier value);

  /** A monotonically increasing count. Thread-safe and lock-free. */
  interface Counter {
    /** Adds one. */
    default void increment() {
      add(1);
    }

    /**
     * Adds {@code amount}.
     *
     * @throws IllegalArgumentException if {@code amount} is negative
     */
    void add(long amount);

    /** The current count. */
    long value();
  }
}
