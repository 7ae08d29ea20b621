package dev.bowline.spi.platform;

import dev.bowline.spi.plugin.NamedFactory;
import dev.bowline.spi.plugin.PluginContext;

/**
 * Extension point: a platform adapter, which watches a platform (Kubernetes, Consul, ...) and
 * tells Pilot its services, endpoints and workloads in the platform-neutral model. Canonical names
 * look like {@code bowline.platform.kubernetes}.
 *
 * <p><b>Threading.</b> Stateless and thread-safe, like every {@link NamedFactory}.
 *
 * @param <C> the validated configuration type (for example the API server address)
 */
public interface PlatformAdapterFactory<C> extends NamedFactory<C> {

  /** Makes an adapter; it does nothing until {@link PlatformAdapter#start(RegistrySink)}. */
  PlatformAdapter newAdapter(C config, PluginContext context);
}
