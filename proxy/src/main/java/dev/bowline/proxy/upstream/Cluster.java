package dev.bowline.proxy.upstream;

import dev.bowline.proxy.config.ClusterConfig;
import dev.bowline.proxy.config.LoadAssignment;
import dev.bowline.proxy.config.PrioritizedEndpoint;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.upstream.health.ActiveHealth;
import dev.bowline.proxy.upstream.health.HealthCheckStats;
import dev.bowline.proxy.upstream.health.HealthChecker;
import dev.bowline.proxy.upstream.health.ProbeConnector;
import dev.bowline.proxy.upstream.outlier.HostMonitor;
import dev.bowline.proxy.upstream.outlier.OutlierDetector;
import dev.bowline.proxy.upstream.outlier.OutlierStats;
import dev.bowline.proxy.upstream.priority.PriorityLoads;
import dev.bowline.proxy.upstream.priority.PriorityPicker;
import dev.bowline.spi.lb.LoadBalancer;
import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.plugin.PluginMetrics.Counter;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running upstream cluster: its hosts, its load balancer's current picker, its circuit breakers
 * and its statistics, and, when configured, its outlier detector and active health checker.
 *
 * <p>The hosts are grouped by priority level; each level's healthy hosts (neither failing their
 * endpoint status, nor active health checks, nor ejected) get a picker from the cluster's
 * balancer, and {@link PriorityLoads} decide which level a request goes to and which levels are
 * in panic (then balanced across all their hosts). Every change of hosts or of a host's health
 * builds a new picker and swaps it in; requests in flight keep the host they picked.
 *
 * <p><b>Threading.</b> {@link #pick(PickContext)}, the circuit-breaker methods and the counters
 * are called from every event loop concurrently and never block. {@link
 * #updateAssignment(LoadAssignment)}, {@link #start()} and {@link #close()} are called from one
 * control thread at a time. Health changes seen on event loops are handed to the cluster manager's
 * health control thread, which rebuilds the picker.
 */
public final class Cluster {

  private final ClusterConfig config;
  private final EndpointTls tls;
  private final LoadBalancer balancer;
  private final MetricRegistry metrics;
  private final ClusterStats stats;
  private final AtomicInteger activeRequests = new AtomicInteger();
  private final AtomicInteger pendingRequests = new AtomicInteger();
  private final AtomicInteger activeConnections = new AtomicInteger();
  /** Pools holding requests that wait for a connection slot; each told once when one frees. */
  private final java.util.Queue<Runnable> slotWaiters = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final AtomicInteger activeRetries = new AtomicInteger();
  private final java.util.concurrent.ConcurrentMap<io.netty.channel.EventLoop, ConnectionPool> pools =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final EventExecutor control;
  private final OutlierStats outlierStats;
  private final OutlierDetector outlier;
  private final HealthCheckStats healthCheckStats;
  private final HealthChecker<ClusterHost> checker;
  private final AtomicBoolean rebuildPending = new AtomicBoolean();
  private volatile List<ClusterHost> hosts = List.of();
  private volatile LoadAssignment assignment = LoadAssignment.EMPTY;
  private volatile Picker picker;
  private ScheduledFuture<?> outlierInterval;
  private boolean started;
  private boolean closed;

  /**
   * A cluster; its health checks and outlier detection run once {@link #start()} is called.
   *
   * @throws IllegalStateException the cluster has a health check and {@code runtime} no event
   *     loops
   */
  Cluster(
      ClusterConfig config,
      LoadBalancer balancer,
      EndpointTls tls,
      MetricRegistry metrics,
      HealthRuntime runtime) {
    this.config = config;
    this.tls = tls;
    this.balancer = balancer;
    this.metrics = metrics;
    this.stats = new ClusterStats(config.name(), metrics);
    ClusterConfig.HealthPolicy health = config.health();
    this.control =
        health.outlierDetection().isPresent() || health.healthCheck().isPresent()
            ? runtime.control()
            : null;
    this.outlierStats =
        health.outlierDetection().isPresent() ? new OutlierStats(config.name(), metrics) : null;
    this.outlier =
        health.outlierDetection()
            .map(od -> new OutlierDetector(od, control, System::nanoTime, new Random(),
                outlierStats, this::requestRebuild))
            .orElse(null);
    this.healthCheckStats =
        health.healthCheck().isPresent() ? new HealthCheckStats(config.name(), metrics) : null;
    this.checker =
        health.healthCheck()
            .map(hc -> new HealthChecker<ClusterHost>(
                hc,
                config.name(),
                runtime.loops().orElseThrow(() -> new IllegalStateException(
                    "cluster " + config.name() + ": health checks need the proxy's event loops")),
                probeConnector(runtime.connector(), config.connectTimeout()),
                host -> tls.forEndpoint(host.endpoint()),
                () -> stats.connectionsOpened() > 0,
                healthCheckStats,
                this::hostChecked))
            .orElse(null);
    updateAssignment(config.assignment());
  }

  private static ProbeConnector probeConnector(UpstreamConnector connector, Duration timeout) {
    return (loop, address, initializer) -> connector.connect(loop, address, timeout, initializer);
  }

  /**
   * Starts health checking and the outlier detector's interval, once the cluster runs (a cluster
   * built for a configuration that was then refused is never started).
   */
  synchronized void start() {
    if (started || closed) {
      return;
    }
    started = true;
    stats.publishGauges(metrics);
    if (outlier != null) {
      outlierStats.publishGauges(metrics);
      long interval = outlier.config().interval().toNanos();
      outlierInterval =
          control.scheduleWithFixedDelay(outlier::runInterval, interval, interval,
              TimeUnit.NANOSECONDS);
    }
    if (checker != null) {
      healthCheckStats.publishGauges(metrics);
      checker.start();
    }
  }

  /**
   * Waits, at most {@code nanos}, until every host of a health-checked cluster had its first
   * check (Envoy warms such clusters before using them).
   *
   * <p>The results are in the picker and the membership gauges when this returns true: the
   * rebuild their changes asked the control thread for may not have run yet, so this rebuilds
   * itself ({@link #rebuild()} is synchronized and idempotent).
   *
   * @return whether they all had (always true without health checks)
   */
  boolean awaitFirstHealthChecks(long nanos) throws InterruptedException {
    if (checker == null) {
      return true;
    }
    if (!checker.awaitFirstChecks(nanos)) {
      return false;
    }
    rebuild();
    return true;
  }

  /** Stops health checking and outlier detection; the cluster was removed or replaced. */
  synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (outlierInterval != null) {
      outlierInterval.cancel(false);
    }
    if (outlier != null) {
      outlier.close();
    }
    if (checker != null) {
      checker.close();
    }
    if (started) {
      stats.membership(0, 0);
    }
  }

  /** The configuration this cluster runs with. */
  public ClusterConfig config() {
    return config;
  }

  /**
   * TLS origination to this cluster's endpoints, when configured: put {@code newHandler} first in
   * each upstream connection's pipeline and wait for its handshake before sending.
   */
  public java.util.Optional<dev.bowline.proxy.tls.ClientTlsContext> tls() {
    return tls.fallback();
  }

  /**
   * TLS origination to {@code endpoint}: chosen by the cluster's {@code transport_socket_matches}
   * from the endpoint's transport-socket labels, else {@link #tls()}.
   */
  public java.util.Optional<dev.bowline.proxy.tls.ClientTlsContext> tls(Endpoint endpoint) {
    return tls.forEndpoint(endpoint);
  }

  /** The cluster's name. */
  public String name() {
    return config.name();
  }

  /** The cluster's counters. */
  public ClusterStats stats() {
    return stats;
  }

  /** Every host, healthy or not, in the order of the assignment, for {@code /clusters}. */
  public List<ClusterHost> hosts() {
    return hosts;
  }

  /** The endpoints and policy the hosts come from now. */
  public LoadAssignment assignment() {
    return assignment;
  }

  /** The outlier detector, when the cluster has outlier detection. */
  public java.util.Optional<OutlierDetector> outlierDetector() {
    return java.util.Optional.ofNullable(outlier);
  }

  /**
   * Replaces the endpoints, all at priority 0 with the default policy.
   *
   * @see #updateAssignment(LoadAssignment)
   */
  public void updateEndpoints(List<Endpoint> endpoints) {
    updateAssignment(LoadAssignment.of(endpoints));
  }

  /**
   * Replaces the endpoints and their priorities. A host whose address and port stay keeps its
   * counters and its health-check and outlier state (its weight, locality, status and priority
   * are updated); new hosts of a health-checked cluster start failing until their first check
   * passes, as in Envoy. A new picker is built and published.
   */
  public synchronized void updateAssignment(LoadAssignment next) {
    if (closed) {
      return;
    }
    Map<String, ArrayDeque<ClusterHost>> old = new HashMap<>();
    for (ClusterHost h : hosts) {
      old.computeIfAbsent(h.endpoint().authority(), k -> new ArrayDeque<>()).add(h);
    }
    List<ClusterHost> kept = new ArrayList<>(next.endpoints().size());
    for (PrioritizedEndpoint e : next.endpoints()) {
      ArrayDeque<ClusterHost> same = old.get(e.endpoint().authority());
      ClusterHost host = same == null ? null : same.pollFirst();
      if (host == null) {
        host = new ClusterHost(e.endpoint(), e.priority(),
            outlier == null ? null : outlier.newMonitor(),
            checker == null ? null : new ActiveHealth());
      } else if (!host.endpoint().equals(e.endpoint()) || host.priority() != e.priority()) {
        host.update(e.endpoint(), e.priority());
      }
      kept.add(host);
    }
    hosts = List.copyOf(kept);
    assignment = next;
    if (outlier != null) {
      List<HostMonitor> monitors = new ArrayList<>(kept.size());
      kept.forEach(h -> monitors.add(h.outlierMonitor()));
      outlier.setHosts(monitors);
    }
    if (checker != null) {
      checker.setHosts(hosts);
    }
    rebuild();
  }

  /** A host's health changed on an event loop: rebuild on the control thread (coalesced). */
  private void requestRebuild() {
    if (rebuildPending.compareAndSet(false, true)) {
      control.execute(
          () -> {
            rebuildPending.set(false);
            rebuild();
          });
    }
  }

  private void hostChecked(ClusterHost host, boolean passed, boolean changed) {
    if (changed) {
      requestRebuild();
    }
    if (passed && outlier != null && !host.failsActiveHealthCheck()) {
      outlier.activeHealthCheckPassed(host.outlierMonitor());
    }
  }

  /**
   * Builds the picker for the hosts as they are now: per priority level, the balancer's picker
   * over the level's healthy hosts (all its hosts in panic), behind a {@link PriorityPicker}.
   */
  private synchronized void rebuild() {
    if (closed) {
      return;
    }
    List<ClusterHost> all = hosts;
    TreeMap<Integer, List<ClusterHost>> byPriority = new TreeMap<>();
    for (ClusterHost h : all) {
      byPriority.computeIfAbsent(h.priority(), p -> new ArrayList<>()).add(h);
    }
    if (byPriority.isEmpty()) {
      picker = balancer.newPicker(List.of());
      stats.membership(0, 0);
      return;
    }
    List<List<ClusterHost>> levelHosts = new ArrayList<>(byPriority.values());
    PriorityLoads.Level[] levels = new PriorityLoads.Level[levelHosts.size()];
    List<List<UpstreamHost>> healthy = new ArrayList<>(levels.length);
    int healthyTotal = 0;
    for (int i = 0; i < levels.length; i++) {
      List<UpstreamHost> up = new ArrayList<>();
      long weight = 0;
      long healthyWeight = 0;
      for (ClusterHost h : levelHosts.get(i)) {
        weight += h.weight();
        if (h.isHealthy()) {
          up.add(h);
          healthyWeight += h.weight();
        }
      }
      healthy.add(up);
      healthyTotal += up.size();
      levels[i] = new PriorityLoads.Level(levelHosts.get(i).size(), up.size(), weight,
          healthyWeight);
    }
    LoadAssignment current = assignment;
    PriorityLoads loads =
        PriorityLoads.compute(levels, current.overprovisioningFactor(),
            current.weightedPriorityHealth(), config.health().healthyPanicThreshold());
    Picker[] pickers = new Picker[levels.length];
    for (int i = 0; i < levels.length; i++) {
      List<UpstreamHost> chosen =
          loads.panic(i) ? List.copyOf(levelHosts.get(i)) : List.copyOf(healthy.get(i));
      pickers[i] = balancer.newPicker(chosen);
    }
    picker = PriorityPicker.of(pickers, loads, stats.healthyPanic());
    stats.membership(healthyTotal, all.size());
  }

  /** The host for one request, or {@code null} when none may take traffic (503, flag UH). */
  public ClusterHost pick(PickContext context) {
    return (ClusterHost) picker.pick(context);
  }

  /**
   * Admits one more request in flight, unless {@code max_requests} is reached (503, flag UO). A
   * successful call must be paired with {@link #finishRequest()}.
   */
  public boolean tryStartRequest() {
    int limit = config.limits().maxRequests();
    if (activeRequests.incrementAndGet() > limit) {
      activeRequests.decrementAndGet();
      stats.requestOverflow.increment();
      return false;
    }
    stats.requestsTotal.increment();
    return true;
  }

  /** Ends a request admitted by {@link #tryStartRequest()}. */
  public void finishRequest() {
    activeRequests.decrementAndGet();
  }

  /**
   * Admits one retry under the {@code max_retries} circuit breaker, as Envoy does when it decides
   * to retry: on success counts {@code upstream_rq_retry}; when the breaker is full counts {@code
   * upstream_rq_retry_overflow} and returns false. A successful call must be paired with {@link
   * #finishRetry()}, once the retry's outcome is known or its request ends.
   */
  public boolean tryStartRetry() {
    if (activeRetries.incrementAndGet() > config.limits().maxRetries()) {
      activeRetries.decrementAndGet();
      stats.retryOverflow.increment();
      return false;
    }
    stats.retries.increment();
    return true;
  }

  /** Ends a retry admitted by {@link #tryStartRetry()}. */
  public void finishRetry() {
    activeRetries.decrementAndGet();
  }

  /** Retries admitted and not yet finished now. */
  public int activeRetries() {
    return activeRetries.get();
  }

  /**
   * Admits one more request waiting for a connection, unless {@code max_pending_requests} is
   * reached. Pair with {@link #finishPending()}.
   */
  boolean tryStartPending() {
    if (pendingRequests.incrementAndGet() > config.limits().maxPendingRequests()) {
      pendingRequests.decrementAndGet();
      stats.requestOverflow.increment();
      return false;
    }
    return true;
  }

  void finishPending() {
    pendingRequests.decrementAndGet();
  }

  /**
   * Admits one more connection, unless {@code max_connections} is reached (then counts {@code
   * upstream_cx_overflow} and returns false). On success counts {@code upstream_cx_total}; the
   * caller must end the admission exactly once: {@link #connectFailed(ClusterHost)} when the
   * attempt fails, {@link #connectionClosed(ClusterHost)} when a connection that reached {@link
   * #connectionOpened(ClusterHost)} closes, or {@link #connectionClosed()} when the caller abandons
   * the attempt itself.
   */
  public boolean tryOpenConnection() {
    if (!admitConnection()) {
      stats.connectionOverflow.increment();
      return false;
    }
    return true;
  }

  /**
   * {@link #tryOpenConnection()} for a request already counted in {@code upstream_cx_overflow}
   * (one waiting for a slot): a refusal is not counted again.
   */
  boolean admitConnection() {
    if (activeConnections.incrementAndGet() > config.limits().maxConnections()) {
      activeConnections.decrementAndGet();
      return false;
    }
    stats.connectionsTotal.increment();
    return true;
  }

  /**
   * Ends an admission of {@link #tryOpenConnection()} without touching any host's counters (for an
   * attempt the caller abandoned before it connected).
   */
  public void connectionClosed() {
    activeConnections.decrementAndGet();
    Runnable waiter = slotWaiters.poll();
    if (waiter != null) {
      waiter.run();
    }
  }

  /**
   * Runs {@code wake} once, on the thread that frees the next connection slot ({@code wake} should
   * only hand work to its own event loop). A pool whose requests wait for a connection because
   * {@code max_connections} is reached registers here, then tries {@link #tryOpenConnection()}
   * once more so that a slot freed in between is not missed.
   */
  void whenConnectionSlotFrees(Runnable wake) {
    slotWaiters.add(wake);
  }

  /** A connection admitted by {@link #tryOpenConnection()} reached {@code host}. */
  public void connectionOpened(ClusterHost host) {
    host.connectionOpened();
  }

  /**
   * A connection to {@code host} that reached {@link #connectionOpened(ClusterHost)} closed: ends
   * its admission.
   */
  public void connectionClosed(ClusterHost host) {
    host.connectionClosed();
    connectionClosed();
  }

  /**
   * An attempt admitted by {@link #tryOpenConnection()} failed to connect to {@code host}: ends its
   * admission and counts {@code upstream_cx_connect_fail} for the cluster and the host.
   */
  public void connectFailed(ClusterHost host) {
    connectionClosed();
    stats.connectFailed();
    host.connectFailed();
  }

  /**
   * The connection pool of {@code loop}: connections to this cluster's hosts that live on that
   * event loop, speaking the cluster's protocol ({@link Http1ConnectionPool} for HTTP/1.1, {@link
   * Http2ConnectionPool} for HTTP/2). Use it only from that loop.
   */
  public ConnectionPool pool(io.netty.channel.EventLoop loop, UpstreamConnector connector) {
    ConnectionPool pool = pools.get(loop);
    if (pool == null) {
      pool = pools.computeIfAbsent(loop, l -> newPool(l, connector));
    }
    return pool;
  }

  private ConnectionPool newPool(io.netty.channel.EventLoop loop, UpstreamConnector connector) {
    return config.protocol() == dev.bowline.proxy.config.ClusterConfig.UpstreamProtocol.HTTP2
        ? new Http2ConnectionPool(this, loop, connector)
        : new Http1ConnectionPool(this, loop, connector);
  }

  /** Closes the idle connections of every pool; used when the cluster is removed or replaced. */
  void closeIdleConnections() {
    pools.forEach((loop, pool) -> loop.execute(pool::closeIdle));
  }

  /** Requests in flight now. */
  public int activeRequests() {
    return activeRequests.get();
  }

  /** Connections open now. */
  public int activeConnections() {
    return activeConnections.get();
  }

  /** Counts a response by its status class (1xx..5xx). */
  public void countResponse(int status) {
    Counter[] byClass = stats.responsesByClass;
    int cls = status / 100;
    if (cls >= 1 && cls <= 5) {
      byClass[cls - 1].increment();
    }
  }
}
