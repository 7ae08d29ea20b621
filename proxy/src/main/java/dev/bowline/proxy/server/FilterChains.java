package dev.bowline.proxy.server;

import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.config.FilterChainConfig;
import dev.bowline.proxy.config.HttpConnectionManagerConfig;
import dev.bowline.proxy.config.ListenerConfig;
import dev.bowline.proxy.config.TcpProxyConfig;
import dev.bowline.proxy.http.AccessLogWriters;
import dev.bowline.proxy.http.HttpConnectionManager;
import dev.bowline.proxy.http.RouteSlot;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.tcp.TcpProxy;
import dev.bowline.proxy.tls.ListenerTls;
import dev.bowline.proxy.tls.WorkloadSecretSource;
import dev.bowline.proxy.upstream.ClusterManager;
import dev.bowline.proxy.upstream.UpstreamConnector;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import dev.bowline.spi.filter.HttpFilterFactory;
import dev.bowline.spi.plugin.FactoryRegistry;
import dev.bowline.spi.plugin.NamedFactory;
import dev.bowline.spi.plugin.PluginContext;

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
  private final FactoryRegistry<HttpFilterFactory<?>> filterFactories;
  private final Function<NamedFactory<?>, PluginContext> contexts;
  private final Function<String, RouteSlot> routeSlots;
  private final Optional<WorkloadSecretSource> workloadSecrets;

  FilterChains(
      ClusterManager clusters,
      UpstreamConnector connector,
      MetricRegistry metrics,
      AccessLogWriters accessLogs,
      BooleanSupplier draining,
      FactoryRegistry<HttpFilterFactory<?>> filterFactories,
      Function<NamedFactory<?>, PluginContext> contexts,
      Function<String, RouteSlot> routeSlots,
      Optional<WorkloadSecretSource> workloadSecrets) {
    this.workloadSecrets = workloadSecrets;
    this.routeSlots = routeSlots;
    this.filterFactories = filterFactories;
    this.contexts = contexts;
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
        compiled.add(compileChain(chain, path, routeSlots.apply(slotKey(listener.name(), i))));
      } catch (ConfigException e) {
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new ListenerRuntime(
        listener,
        ListenerTls.build(listener, "listener " + listener.name(), workloadSecrets),
        List.copyOf(compiled));
  }

  /**
   * The key of a filter chain's route slot: the versions of a listener's chain at one position
   * share their routes, so that a route change reaches connections of earlier versions.
   */
  static String slotKey(String listener, int chainIndex) {
    return listener + "/" + chainIndex;
  }

  private ListenerRuntime.ChainRuntime compileChain(FilterChainConfig chain, String path, RouteSlot slot)
      throws ConfigException {
    if (chain.filter() instanceof HttpConnectionManagerConfig http) {
      HttpConnectionManager manager =
          HttpConnectionManager.create(
              http, path + ".filters[0].typed_config", clusters, connector, metrics, accessLogs, draining,
              filterFactories, contexts, slot);
      return httpChain(manager);
    }
    TcpProxyConfig tcp = (TcpProxyConfig) chain.filter();
    TcpProxy proxy = TcpProxy.create(tcp, path + ".filters[0].typed_config", clusters, connector, metrics);
    return (channel, scheme) -> proxy.install(channel);
  }

  /** The running form of an HTTP chain: the codec follows ALPN (see HttpConnectionManager). */
  private static ListenerRuntime.ChainRuntime httpChain(HttpConnectionManager manager) {
    return new ListenerRuntime.ChainRuntime() {
      @Override
      public void install(Channel channel, String scheme) {
        manager.install(channel, scheme, Optional.empty());
      }

      @Override
      public void install(Channel channel, String scheme, Optional<String> applicationProtocol) {
        manager.install(channel, scheme, applicationProtocol);
      }

      @Override
      public void commit() {
        manager.publishRoutes();
      }
    };
  }
}
