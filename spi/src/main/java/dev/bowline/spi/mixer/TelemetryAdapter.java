package dev.bowline.spi.mixer;

import java.util.List;

/**
 * Consumes batches of request records. Telemetry never delays a request: Mixer calls this
 * asynchronously, after the requests have completed.
 *
 * <p><b>Threading.</b> {@link #report(List)} is called from Mixer's dispatch thread, one batch at a
 * time per adapter. It may do I/O, but a slow adapter delays only its own later batches (Mixer
 * drops batches for an adapter that falls too far behind, and counts them).
 */
public interface TelemetryAdapter extends AutoCloseable {

  /** Consumes one batch; the list is immutable and holds at least one record. */
  void report(List<Attributes> batch);

  /** Flushes and releases resources; called once by the host. */
  @Override
  default void close() {}
}
