package dev.bowline.proxy.xds;

import dev.bowline.proxy.config.ClusterConfig;
import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.config.ListenerConfig;
import dev.bowline.proxy.config.LoadAssignment;
import dev.bowline.proxy.config.ProxyConfig;
import dev.bowline.proxy.server.ProxyServer;
import dev.bowline.proxy.upstream.Cluster;
import java.util.List;
import java.util.Objects;

/**
 * Applies xDS configuration to a running {@link ProxyServer}: listeners and clusters through
 * {@link ProxyServer#apply(ProxyConfig)} (keeping the server's admin address, which xDS does not
 * carry), endpoint-only updates straight to the cluster.
 *
 * <p><b>Threading.</b> As {@link XdsConfigSink}: one caller at a time, never an event loop.
 */
public final class ProxyServerSink implements XdsConfigSink {

  private final ProxyServer server;

  /** A sink driving {@code server}. */
  public ProxyServerSink(ProxyServer server) {
    this.server = Objects.requireNonNull(server, "server");
  }

  @Override
  public void apply(List<ListenerConfig> listeners, List<ClusterConfig> clusters)
      throws ConfigException {
    server.apply(new ProxyConfig(server.config().admin(), listeners, clusters));
  }

  @Override
  public void updateEndpoints(String cluster, LoadAssignment endpoints) throws ConfigException {
    Cluster running = server.clusters().get(cluster);
    if (running == null) {
      throw new ConfigException("cluster " + cluster + ": not running, its endpoints cannot change");
    }
    running.updateAssignment(endpoints);
  }
}
