package dev.bowline.proxy.config;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * One listener: an address to accept connections on and the filter chains that serve them (Envoy's
 * {@code Listener}). A connection is served by the first filter chain whose match fits it (SNI and
 * ALPN for TLS chains); a chain with an empty match fits everything.
 *
 * @param name the listener's unique name
 * @param address the address to bind; port 0 picks a free port
 * @param filterChains at least one
 * @param maxConnections the most connections open at once; 0 means no limit (from an
 *     {@code envoy.filters.network.connection_limit} filter's {@code max_connections} in the chain)
 * @param perConnectionBufferLimitBytes the soft limit on bytes buffered per connection before reads
 *     pause (Envoy's default is 1 MiB)
 */
public record ListenerConfig(
    String name,
    InetSocketAddress address,
    List<FilterChainConfig> filterChains,
    int maxConnections,
    int perConnectionBufferLimitBytes) {

  public ListenerConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    filterChains = List.copyOf(filterChains);
    if (filterChains.isEmpty()) {
      throw new IllegalArgumentException("listener " + name + " has no filter chain");
    }
  }
}
