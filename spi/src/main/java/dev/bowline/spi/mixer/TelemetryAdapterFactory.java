package dev.bowline.spi.mixer;

import dev.bowline.spi.plugin.NamedFactory;
import dev.bowline.spi.plugin.PluginContext;

/**
 * Extension point: a Mixer telemetry adapter, which consumes Report batches (for example exporting
 * Prometheus metrics or OpenTelemetry spans), such as {@code bowline.mixer.prometheus}.
 *
 * <p><b>Threading.</b> Stateless and thread-safe, like every {@link NamedFactory}.
 *
 * @param <C> the validated configuration type
 */
public interface TelemetryAdapterFactory<C> extends NamedFactory<C> {

  /** Makes the adapter Mixer dispatches Report batches to. */
  TelemetryAdapter newAdapter(C config, PluginContext context);
}
