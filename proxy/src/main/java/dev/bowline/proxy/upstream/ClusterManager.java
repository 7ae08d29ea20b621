package dev.bowline.proxy.upstream;

import dev.bowline.proxy.config.ClusterConfig;
import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.config.LoadAssignment;
import dev.bowline.proxy.config.TlsClientConfig;
import dev.bowline.proxy.config.TransportSocketMatch;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.tls.ClientTlsContext;
import dev.bowline.proxy.tls.ClientTlsContexts;
import dev.bowline.proxy.tls.WorkloadSecretSource;
import dev.bowline.proxy.upstream.lb.BalancerPlugins;
import dev.bowline.spi.lb.LoadBalancer;
import dev.bowline.spi.lb.LoadBalancerFactory;
import dev.bowline.spi.plugin.ConfigOrError;
import dev.bowline.spi.plugin.FactoryRegistry;
import dev.bowline.spi.plugin.NamedFactory;
import dev.bowline.spi.plugin.PluginContext;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The proxy's clusters by name. {@link #apply(List)} replaces the set atomically: every new or
 * changed cluster is built (its balancer chosen and configured) before anything is swapped, so a
 * bad cluster leaves the running set untouched. Unchanged clusters are kept as they are, with
 * their pools, counters and picker.
 *
 * <p>STRICT_DNS and LOGICAL_DNS clusters get their hosts from {@link DnsRefresh}, which resolves
 * their names on this manager's own daemon threads (never an event loop) when the cluster is
 * applied and every {@code dns_refresh_rate} after. Like Envoy's cluster warming, {@link
 * #apply(List)} waits (at most {@link #INITIAL_RESOLUTION_WAIT}) for the first resolution of new
 * DNS clusters, so listeners bound afterwards find their hosts; a cluster whose names do not
 * resolve has no hosts (503, flag UH) until they do.
 *
 * <p>An EDS cluster whose new configuration differs from the running one only in its endpoints
 * (as when the xDS client rebuilds its clusters with the latest EDS assignments) is kept as it is,
 * with its pools, counters and host health, and given the new endpoints through {@link
 * Cluster#updateAssignment}; its {@link Cluster#config()} then still shows the endpoints it was
 * built with, while {@link Cluster#hosts()} shows the current ones.
 *
 * <p>Clusters with outlier detection or active health checks share one health control thread
 * (created when first needed); health checks run on the event loops given to the manager. New
 * clusters start checking once they are swapped in, and {@link #apply(List)} waits (within the
 * same {@link #INITIAL_RESOLUTION_WAIT}) for their hosts' first checks; removed or replaced
 * clusters stop.
 *
 * <p><b>Threading.</b> {@link #get(String)} is a lock-free read of the current snapshot, safe on
 * any event loop. {@link #apply(List)} and {@link #close()} are for one control thread at a time
 * (never an event loop: {@code apply} may wait for DNS).
 */
public final class ClusterManager implements AutoCloseable {

  /** The longest {@link #apply(List)} waits for new DNS clusters' first resolution. */
  public static final java.time.Duration INITIAL_RESOLUTION_WAIT = java.time.Duration.ofSeconds(5);

  private static final AtomicInteger RESOLVER_IDS = new AtomicInteger();

  private final Optional<WorkloadSecretSource> workloadSecrets;
  private final FactoryRegistry<LoadBalancerFactory<?>> balancers;
  private final Function<NamedFactory<?>, PluginContext> contexts;
  private final MetricRegistry metrics;
  private volatile Map<String, Cluster> clusters = Map.of();
  private final Map<Cluster, DnsRefresh> refreshes = new ConcurrentHashMap<>();
  private final DnsRefresh.Resolver resolver;
  private final HealthRuntime health;
  private ScheduledExecutorService resolverThreads; // created on the first DNS cluster
  private boolean closed;

  /**
   * @param balancers the load balancers by canonical name (built-ins plus plugins)
   * @param contexts the plugin context for a balancer factory (the host knows which plugin it
   *     came from)
   * @param metrics where cluster counters go
   */
  public ClusterManager(
      FactoryRegistry<LoadBalancerFactory<?>> balancers,
      Function<NamedFactory<?>, PluginContext> contexts,
      MetricRegistry metrics) {
    this(balancers, contexts, metrics, InetAddress::getAllByName, HealthRuntime.withoutEventLoops(),
        Optional.empty());
  }

  /**
   * A manager whose clusters may have active health checks, run on {@code loops}.
   *
   * @param loops the proxy's event loops (health checks run there)
   * @param connector opens health-check connections with the proxy's transport
   */
  public ClusterManager(
      FactoryRegistry<LoadBalancerFactory<?>> balancers,
      Function<NamedFactory<?>, PluginContext> contexts,
      MetricRegistry metrics,
      EventLoopGroup loops,
      UpstreamConnector connector) {
    this(balancers, contexts, metrics, loops, connector, Optional.empty());
  }

  /**
   * A manager whose clusters may have active health checks, run on {@code loops}, and may
   * originate mutual TLS with the proxy's workload identity.
   *
   * @param loops the proxy's event loops (health checks run there)
   * @param connector opens health-check connections with the proxy's transport
   * @param workloadSecrets the proxy's workload certificate and trust bundle, for clusters whose
   *     {@code UpstreamTlsContext} names them (SDS {@code default}, {@code ROOTCA}); empty when the
   *     proxy has no workload identity
   */
  public ClusterManager(
      FactoryRegistry<LoadBalancerFactory<?>> balancers,
      Function<NamedFactory<?>, PluginContext> contexts,
      MetricRegistry metrics,
      EventLoopGroup loops,
      UpstreamConnector connector,
      Optional<WorkloadSecretSource> workloadSecrets) {
    this(balancers, contexts, metrics, InetAddress::getAllByName,
        new HealthRuntime(loops, connector), workloadSecrets);
  }

  /** As above, with the resolver DNS clusters use (tests). */
  ClusterManager(
      FactoryRegistry<LoadBalancerFactory<?>> balancers,
      Function<NamedFactory<?>, PluginContext> contexts,
      MetricRegistry metrics,
      DnsRefresh.Resolver resolver) {
    this(balancers, contexts, metrics, resolver, HealthRuntime.withoutEventLoops(),
        Optional.empty());
  }

  /** As above, with the health runtime given (tests that need to hold its control thread). */
  ClusterManager(
      FactoryRegistry<LoadBalancerFactory<?>> balancers,
      Function<NamedFactory<?>, PluginContext> contexts,
      MetricRegistry metrics,
      HealthRuntime health) {
    this(balancers, contexts, metrics, InetAddress::getAllByName, health, Optional.empty());
  }

  private ClusterManager(
      FactoryRegistry<LoadBalancerFactory<?>> balancers,
      Function<NamedFactory<?>, PluginContext> contexts,
      MetricRegistry metrics,
      DnsRefresh.Resolver resolver,
      HealthRuntime health,
      Optional<WorkloadSecretSource> workloadSecrets) {
    this.workloadSecrets = workloadSecrets;
    this.balancers = balancers;
    this.contexts = contexts;
    this.metrics = metrics;
    this.resolver = resolver;
    this.health = health;
  }

  /** The cluster with this name, if it exists now. */
  public Cluster get(String name) {
    return clusters.get(name);
  }

  /** Every cluster, by name. */
  public Map<String, Cluster> all() {
    return clusters;
  }

  /**
   * Replaces the clusters with {@code configs}.
   *
   * @throws ConfigException naming each cluster whose balancer is unknown or misconfigured;
   *     nothing changes then
   */
  public synchronized void apply(List<ClusterConfig> configs) throws ConfigException {
    if (closed) {
      throw new IllegalStateException("cluster manager is closed");
    }
    Map<String, Cluster> current = clusters;
    Map<String, Cluster> next = new LinkedHashMap<>();
    Map<Cluster, LoadAssignment> endpointUpdates = new LinkedHashMap<>();
    List<Cluster> built = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (ClusterConfig config : configs) {
      Cluster existing = current.get(config.name());
      if (existing != null && existing.config().equals(config)) {
        next.put(config.name(), existing);
        continue;
      }
      if (existing != null && onlyEdsEndpointsDiffer(existing.config(), config)) {
        next.put(config.name(), existing);
        endpointUpdates.put(existing, config.assignment());
        continue;
      }
      Optional<LoadBalancer> balancer = newBalancer(config, problems);
      EndpointTls tls;
      try {
        tls = endpointTls(config);
      } catch (ConfigException e) {
        problems.addAll(e.problems());
        continue;
      }
      if (balancer.isPresent()) {
        if (config.health().healthCheck().isPresent() && health.loops().isEmpty()) {
          problems.add("cluster " + config.name()
              + ": health_checks: this cluster manager has no event loops to run them on");
          continue;
        }
        Cluster cluster = new Cluster(config, balancer.get(), tls, metrics, health);
        built.add(cluster);
        next.put(config.name(), cluster);
      }
    }
    if (!problems.isEmpty()) {
      built.forEach(Cluster::close);
      throw new ConfigException(problems);
    }
    List<DnsRefresh> started = new ArrayList<>();
    for (Cluster cluster : next.values()) {
      if (cluster.config().dns().isPresent() && !refreshes.containsKey(cluster)) {
        DnsRefresh refresh =
            new DnsRefresh(cluster, cluster.config().dns().get(), resolver, metrics);
        refreshes.put(cluster, refresh);
        refresh.start(resolverThreads());
        started.add(refresh);
      }
    }
    clusters = Map.copyOf(next);
    built.forEach(Cluster::start);
    endpointUpdates.forEach(
        (cluster, assignment) -> {
          if (!cluster.assignment().equals(assignment)) {
            cluster.updateAssignment(assignment);
          }
        });
    for (Map.Entry<String, Cluster> old : current.entrySet()) {
      if (next.get(old.getKey()) != old.getValue()) {
        DnsRefresh refresh = refreshes.remove(old.getValue());
        if (refresh != null) {
          refresh.stop();
        }
        old.getValue().close();
        old.getValue().closeIdleConnections();
      }
    }
    long deadline = System.nanoTime() + INITIAL_RESOLUTION_WAIT.toNanos();
    awaitFirstResolutions(started, deadline);
    awaitFirstHealthChecks(built, deadline);
  }

  /** Whether both are EDS clusters configured alike apart from their endpoints. */
  private static boolean onlyEdsEndpointsDiffer(ClusterConfig running, ClusterConfig next) {
    return running.discovery() == ClusterConfig.Discovery.EDS
        && next.discovery() == ClusterConfig.Discovery.EDS
        && withoutEndpoints(running).equals(withoutEndpoints(next));
  }

  private static ClusterConfig withoutEndpoints(ClusterConfig c) {
    return c.withAssignment(LoadAssignment.EMPTY);
  }

  private static void awaitFirstResolutions(List<DnsRefresh> started, long deadline) {
    try {
      for (DnsRefresh refresh : started) {
        if (!refresh.awaitFirstRound(Math.max(0, deadline - System.nanoTime()))) {
          return; // the cluster keeps resolving in the background
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Like Envoy's cluster warming: waits (within the same deadline as DNS) until the hosts of new
   * health-checked clusters had their first check, so that the first requests find them healthy.
   */
  private static void awaitFirstHealthChecks(List<Cluster> built, long deadline) {
    try {
      for (Cluster cluster : built) {
        if (!cluster.awaitFirstHealthChecks(Math.max(0, deadline - System.nanoTime()))) {
          return; // the checks go on in the background
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private ScheduledExecutorService resolverThreads() {
    if (resolverThreads == null) {
      ScheduledThreadPoolExecutor executor =
          new ScheduledThreadPoolExecutor(
              2,
              task -> {
                Thread t = new Thread(task, "bowline-dns-" + RESOLVER_IDS.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      executor.setRemoveOnCancelPolicy(true);
      executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      resolverThreads = executor;
    }
    return resolverThreads;
  }

  /**
   * Stops resolving DNS clusters' names, health checking and outlier detection; the clusters keep
   * their last hosts. Idempotent.
   */
  @Override
  public synchronized void close() {
    closed = true;
    refreshes.values().forEach(DnsRefresh::stop);
    refreshes.clear();
    clusters.values().forEach(Cluster::close);
    health.close();
    if (resolverThreads != null) {
      resolverThreads.shutdownNow(); // a blocked JDK lookup is not interruptible: daemon threads
      resolverThreads = null;
    }
  }

  /** The cluster's origination contexts: its {@code transport_socket} and each socket match's. */
  private EndpointTls endpointTls(ClusterConfig config) throws ConfigException {
    String where = "cluster " + config.name() + ": ";
    Optional<ClientTlsContext> fallback = Optional.empty();
    if (config.tls().isPresent()) {
      fallback = Optional.of(ClientTlsContexts.build(
          originationTls(config, config.tls().get()), where + "transport_socket", workloadSecrets));
    }
    List<EndpointTls.Matched> matches = new ArrayList<>();
    for (int i = 0; i < config.socketMatches().size(); i++) {
      TransportSocketMatch m = config.socketMatches().get(i);
      Optional<ClientTlsContext> tls = Optional.empty();
      if (m.tls().isPresent()) {
        tls = Optional.of(ClientTlsContexts.build(originationTls(config, m.tls().get()),
            where + "transport_socket_matches[" + i + "].transport_socket", workloadSecrets));
      }
      matches.add(new EndpointTls.Matched(m, tls));
    }
    return new EndpointTls(fallback, matches);
  }

  /**
   * The cluster's TLS settings as origination uses them: an HTTP/2 cluster that configures no ALPN
   * protocols offers {@code h2}, as Envoy's HTTP/2 connection pool does, so that TLS servers that
   * choose the protocol by ALPN (most gRPC servers) speak HTTP/2.
   */
  private static TlsClientConfig originationTls(ClusterConfig config, TlsClientConfig tls) {
    if (config.protocol() != ClusterConfig.UpstreamProtocol.HTTP2 || !tls.alpn().isEmpty()) {
      return tls;
    }
    return tls.withAlpn(List.of("h2"));
  }

  private Optional<LoadBalancer> newBalancer(ClusterConfig config, List<String> problems) {
    Optional<LoadBalancerFactory<?>> factory = balancers.get(config.lbPolicy());
    if (factory.isEmpty()) {
      problems.add(
          "cluster " + config.name() + ": lb_policy: no load balancer named '" + config.lbPolicy()
              + "' is available"
              + BalancerPlugins.pluginFor(config.lbPolicy())
                  .map(plugin -> ": install the plugin " + plugin)
                  .orElse("")
              + " (known: " + balancers.names() + ")");
      return Optional.empty();
    }
    return create(factory.get(), config, problems);
  }

  private <C> Optional<LoadBalancer> create(
      LoadBalancerFactory<C> factory, ClusterConfig config, List<String> problems) {
    ConfigOrError<C> parsed = factory.parseConfig(config.lbConfig());
    if (!parsed.isOk()) {
      parsed.errors()
          .forEach(e -> problems.add("cluster " + config.name() + ": lb config: " + e));
      return Optional.empty();
    }
    return Optional.of(factory.newLoadBalancer(parsed.value(), contexts.apply(factory)));
  }
}
