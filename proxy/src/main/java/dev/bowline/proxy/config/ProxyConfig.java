package dev.bowline.proxy.config;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * Everything the proxy runs with, compiled from an Envoy v3 bootstrap (or, later, from xDS
 * resources): the admin address, the listeners and the clusters. Immutable: a configuration change
 * builds a new one and swaps it in atomically.
 *
 * @param admin where the admin server listens, when configured
 * @param listeners the listeners, unique by name
 * @param clusters the clusters, unique by name
 */
public record ProxyConfig(
    Optional<InetSocketAddress> admin, List<ListenerConfig> listeners, List<ClusterConfig> clusters) {

  public ProxyConfig {
    listeners = List.copyOf(listeners);
    clusters = List.copyOf(clusters);
  }

  /** The cluster with this name, if any. */
  public Optional<ClusterConfig> cluster(String name) {
    return clusters.stream().filter(c -> c.name().equals(name)).findFirst();
  }
}
