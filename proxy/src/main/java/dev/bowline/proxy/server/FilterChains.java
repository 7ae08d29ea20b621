package dev.bowline.proxy.server;

import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.config.FilterChainConfig;
import dev.bowline.proxy.config.HttpConnectionManagerConfig;
import dev.bowline.proxy.config.ListenerConfig;
import dev.bowline.proxy.config.TcpProxyConfig;
import dev.bowline.proxy.http.AccessLogWriters;
import dev.bowline.proxy.http.HttpConnectionManager;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.tls.ListenerTls;
import dev.bowline.proxy.upstream.ClusterManager;
import dev.bowline.proxy.upstream.UpstreamConnector;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Compiles a listener's filter chains into their running form: HTTP connection managers (with
 * compiled routes) and TCP proxies, each behind TLS termination when configured.
 *
 * <p>Stateless apart from its collaborators; called from the control thread.
 */
final class FilterChains {

  private final ClusterManager clusters;
  private final UpstreamConnector connector;
  private final MetricRegistry metrics;
  private final AccessLogWriters accessLogs;
  private final BooleanSupplier draining;

  FilterChains(
      ClusterManager clusters,
      UpstreamConnector connector,
      MetricRegistry metrics,
      AccessLogWriters accessLogs,
      BooleanSupplier draining) {
    this.clusters = clusters;
    this.connector = connector;
    this.metrics = metrics;
    this.accessLogs = accessLogs;
    this.draining = draining;
  }

  ListenerRuntime compile(ListenerConfig listener) throws ConfigException {
    List<ListenerRuntime.ChainRuntime> compiled = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < listener.filterChains().size(); i++) {
      FilterChainConfig chain = listener.filterChains().get(i);
      String path = "listener " + listener.name() + ": filter_chains[" + i + "]";
      try {
        compiled.add(compileChain(chain, path));
      } catch (ConfigException e) {
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new ListenerRuntime(
        listener, ListenerTls.build(listener, "listener " + listener.name()), List.copyOf(compiled));
  }

  private ListenerRuntime.ChainRuntime compileChain(FilterChainConfig chain, String path)
      throws ConfigException {
    if (chain.filter() instanceof HttpConnectionManagerConfig http) {
      HttpConnectionManager manager =
          HttpConnectionManager.create(http, path + ".filters[0].typed_config", clusters, connector, metrics, accessLogs, draining);
      return manager::install;
    }
    TcpProxyConfig tcp = (TcpProxyConfig) chain.filter();
    throw new ConfigException(path + ".filters[0]: tcp_proxy (" + tcp.statPrefix() + ") is not wired in yet");
  }
}
