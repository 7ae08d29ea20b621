package dev.bowline.spi.filter;

import dev.bowline.spi.plugin.NamedFactory;
import dev.bowline.spi.plugin.PluginContext;

/**
 * Extension point: an HTTP filter in the proxy's filter chain, for cross-cutting logic around the
 * router (authentication, policy checks, header rewriting, rate limiting), after Envoy's HTTP
 * filters. Canonical names look like {@code bowline.filters.http.mixer}.
 *
 * <p><b>Threading.</b> Stateless and thread-safe, like every {@link NamedFactory}.
 *
 * @param <C> the validated configuration type
 */
public interface HttpFilterFactory<C> extends NamedFactory<C> {

  /**
   * Makes the filter for one listener's filter chain. The same instance serves every request on
   * that chain, from all event loops.
   */
  HttpFilter newFilter(C config, PluginContext context);
}
