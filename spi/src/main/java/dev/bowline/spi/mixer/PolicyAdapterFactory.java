package dev.bowline.spi.mixer;

import dev.bowline.spi.plugin.NamedFactory;
import dev.bowline.spi.plugin.PluginContext;

/**
 * Extension point: a Mixer policy adapter, which answers Check (may this request go ahead?), such
 * as {@code bowline.mixer.rbac}.
 *
 * <p><b>Threading.</b> Stateless and thread-safe, like every {@link NamedFactory}.
 *
 * @param <C> the validated configuration type
 */
public interface PolicyAdapterFactory<C> extends NamedFactory<C> {

  /** Makes the adapter Mixer dispatches Check calls to. */
  PolicyAdapter newAdapter(C config, PluginContext context);
}
