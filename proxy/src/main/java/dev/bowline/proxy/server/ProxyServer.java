package dev.bowline.proxy.server;

import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.config.ListenerConfig;
import dev.bowline.proxy.config.ProxyConfig;
import dev.bowline.proxy.http.AccessLogWriters;
import dev.bowline.proxy.http.DrainEvent;
import dev.bowline.proxy.http.RouteSlot;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.tls.WorkloadSecretSource;
import dev.bowline.proxy.upstream.ClusterManager;
import dev.bowline.spi.filter.HttpFilterFactory;
import dev.bowline.spi.lb.LoadBalancerFactory;
import dev.bowline.spi.plugin.FactoryRegistry;
import dev.bowline.spi.plugin.NamedFactory;
import dev.bowline.spi.plugin.PluginContext;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy: event loops, listeners and clusters, driven by a {@link ProxyConfig}.
 *
 * <p>{@link #apply(ProxyConfig)} changes the configuration atomically and without dropping
 * connections: everything new is compiled first (a bad configuration changes nothing), then new
 * listeners are bound, changed listeners start giving new connections the new configuration, and
 * removed listeners stop accepting. Connections in flight finish on the configuration they
 * started with.
 *
 * <p><b>Threading.</b> {@link #apply}, {@link #drain} and {@link #close} are for one control
 * thread at a time; queries are thread-safe.
 */
public final class ProxyServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);
  private static final int DEFAULT_BUFFER_LIMIT = 1024 * 1024;

  private final Transport transport;
  private final EventLoopGroup acceptors;
  private final EventLoopGroup workers;
  private final MetricRegistry metrics;
  private final ClusterManager clusters;
  private final NettyUpstreamConnector connector;
  private final AccessLogWriters accessLogs = new AccessLogWriters();
  private final FilterChains chains;
  private final Map<String, RouteSlot> routeSlots = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, RunningListener> listeners = new LinkedHashMap<>();
  private volatile boolean draining;
  private volatile ProxyConfig config = new ProxyConfig(Optional.empty(), List.of(), List.of());

  /**
   * @param concurrency the number of event-loop threads serving connections
   * @param balancers load balancers by canonical name (built-ins plus plugins)
   * @param contexts the plugin context for each balancer factory
   * @param metrics where counters go
   */
  public ProxyServer(
      int concurrency,
      FactoryRegistry<LoadBalancerFactory<?>> balancers,
      Function<NamedFactory<?>, PluginContext> contexts,
      MetricRegistry metrics) {
    this(concurrency, balancers, new FactoryRegistry<>("HTTP filter"), contexts, metrics);
  }

  /**
   * @param concurrency the number of event-loop threads serving connections
   * @param balancers load balancers by canonical name (built-ins plus plugins)
   * @param filters HTTP filters by canonical name, for the connection managers' {@code
   *     http_filters} (from plugins)
   * @param contexts the plugin context for each factory
   * @param metrics where counters go
   */
  public ProxyServer(
      int concurrency,
      FactoryRegistry<LoadBalancerFactory<?>> balancers,
      FactoryRegistry<HttpFilterFactory<?>> filters,
      Function<NamedFactory<?>, PluginContext> contexts,
      MetricRegistry metrics) {
    this(concurrency, balancers, filters, contexts, metrics, Optional.empty());
  }

  /**
   * A proxy with a workload identity: listeners and clusters whose TLS contexts name Istio's SDS
   * secrets ({@code default}, the workload certificate; {@code ROOTCA}, the trust bundle) use the
   * ones {@code workloadSecrets} holds at each handshake, so installing a renewed certificate or a
   * new bundle there takes effect for new connections without a configuration change.
   *
   * @param concurrency the number of event-loop threads serving connections
   * @param balancers load balancers by canonical name (built-ins plus plugins)
   * @param filters HTTP filters by canonical name, for the connection managers' {@code
   *     http_filters} (from plugins)
   * @param contexts the plugin context for each factory
   * @param metrics where counters go
   * @param workloadSecrets the proxy's workload secrets (normally {@link
   *     dev.bowline.proxy.identity.WorkloadSecrets}); empty for a proxy without workload identity,
   *     whose configurations may then not name them
   */
  public ProxyServer(
      int concurrency,
      FactoryRegistry<LoadBalancerFactory<?>> balancers,
      FactoryRegistry<HttpFilterFactory<?>> filters,
      Function<NamedFactory<?>, PluginContext> contexts,
      MetricRegistry metrics,
      Optional<WorkloadSecretSource> workloadSecrets) {
    this.transport = Transport.best();
    this.acceptors = transport.newGroup(1, "accept");
    this.workers = transport.newGroup(concurrency, "worker");
    this.metrics = metrics;
    this.connector = new NettyUpstreamConnector(transport, DEFAULT_BUFFER_LIMIT);
    this.clusters =
        new ClusterManager(balancers, contexts, metrics, workers, connector, workloadSecrets);
    this.chains = new FilterChains(clusters, connector, metrics, accessLogs, () -> draining, filters, contexts,
        key -> routeSlots.computeIfAbsent(key, k -> new RouteSlot()), workloadSecrets);
    log.info("proxy using the {} transport with {} event loop(s)", transport.name(), concurrency);
  }

  /** The transport in use ({@code epoll} or {@code nio}). */
  public String transportName() {
    return transport.name();
  }

  /** The configuration running now. */
  public ProxyConfig config() {
    return config;
  }

  /** The clusters. */
  public ClusterManager clusters() {
    return clusters;
  }

  /** The metrics. */
  public MetricRegistry metrics() {
    return metrics;
  }

  /** Whether the proxy is draining (see {@link #drain}). */
  public boolean isDraining() {
    return draining;
  }

  /** The address a listener is bound to, if it exists. */
  public synchronized Optional<InetSocketAddress> listenerAddress(String name) {
    RunningListener l = listeners.get(name);
    return l == null ? Optional.empty() : Optional.of(l.localAddress());
  }

  /** Connections open on all listeners now. */
  public synchronized int openConnections() {
    return listeners.values().stream().mapToInt(RunningListener::openConnections).sum();
  }

  /**
   * Runs with {@code next} from now on.
   *
   * @throws ConfigException naming what is wrong; the running configuration is unchanged then
   */
  public synchronized void apply(ProxyConfig next) throws ConfigException {
    if (draining) {
      throw new ConfigException("the proxy is draining: configuration changes are refused");
    }
    Map<String, ListenerRuntime> runtimes = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (ListenerConfig l : next.listeners()) {
      if (runtimes.containsKey(l.name())) {
        problems.add("listener " + l.name() + ": duplicate name");
        continue;
      }
      try {
        runtimes.put(l.name(), chains.compile(l));
      } catch (ConfigException e) {
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    clusters.apply(next.clusters());

    List<RunningListener> bound = new ArrayList<>();
    Map<String, RunningListener> replaced = new LinkedHashMap<>();
    try {
      for (ListenerRuntime runtime : runtimes.values()) {
        RunningListener existing = listeners.get(runtime.config().name());
        if (existing == null || !existing.runtime().config().address().equals(runtime.config().address())) {
          RunningListener fresh = new RunningListener(runtime);
          bind(fresh);
          bound.add(fresh);
          if (existing != null) {
            replaced.put(runtime.config().name(), existing);
          }
        }
      }
    } catch (ConfigException e) {
      bound.forEach(l -> l.serverChannel().close().syncUninterruptibly());
      throw e;
    }
    runtimes.values().forEach(ListenerRuntime::commit);
    for (RunningListener fresh : bound) {
      listeners.put(fresh.runtime().config().name(), fresh);
    }
    for (ListenerRuntime runtime : runtimes.values()) {
      RunningListener l = listeners.get(runtime.config().name());
      if (l.runtime() != runtime) {
        l.update(runtime);
      }
    }
    replaced.values().forEach(old -> old.serverChannel().close());
    for (String name : new ArrayList<>(listeners.keySet())) {
      if (!runtimes.containsKey(name)) {
        listeners.remove(name).serverChannel().close();
        routeSlots.keySet().removeIf(k -> k.startsWith(name + "/"));
      }
    }
    config = next;
  }

  private void bind(RunningListener listener) throws ConfigException {
    ListenerConfig c = listener.runtime().config();
    int limit = c.perConnectionBufferLimitBytes() > 0 ? c.perConnectionBufferLimitBytes() : DEFAULT_BUFFER_LIMIT;
    ServerBootstrap b =
        new ServerBootstrap()
            .group(acceptors, workers)
            .channel(transport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(limit / 2, limit))
            .childHandler(listener.childInitializer());
    try {
      Channel ch = b.bind(c.address()).syncUninterruptibly().channel();
      listener.bound(ch);
      log.info("listener {} bound to {}", c.name(), ch.localAddress());
    } catch (RuntimeException e) {
      throw new ConfigException(
          "listener " + c.name() + ": address: cannot bind " + c.address() + ": " + e.getMessage());
    }
  }

  /**
   * Stops accepting on every listener, tells open connections to finish (HTTP/1.1 responses carry
   * {@code Connection: close}), and waits up to {@code window} for them to close.
   *
   * @return the number of connections still open when the window ended
   */
  public int drain(Duration window) {
    List<RunningListener> all;
    synchronized (this) {
      draining = true;
      all = new ArrayList<>(listeners.values());
    }
    all.forEach(l -> l.serverChannel().close().syncUninterruptibly());
    long deadline = System.nanoTime() + window.toNanos();
    for (RunningListener l : all) {
      // Idle keep-alive connections have nothing to finish: close them now.
      l.connections().forEach(ch -> ch.pipeline().fireUserEventTriggered(DrainEvent.INSTANCE));
    }
    while (System.nanoTime() < deadline && all.stream().anyMatch(l -> l.openConnections() > 0)) {
      try {
        TimeUnit.MILLISECONDS.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    int left = all.stream().mapToInt(RunningListener::openConnections).sum();
    all.forEach(l -> l.connections().close());
    return left;
  }

  @Override
  public synchronized void close() {
    listeners.values().forEach(l -> {
      l.serverChannel().close();
      l.connections().close();
    });
    listeners.clear();
    clusters.close();
    acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    accessLogs.close();
  }
}
