package dev.bowline.proxy.upstream;

import dev.bowline.proxy.config.ClusterConfig;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.spi.lb.LoadBalancer;
import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.plugin.PluginMetrics.Counter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running upstream cluster: its hosts, its load balancer's current picker, its circuit breakers
 * and its statistics. Endpoint updates build a new picker and swap it in; requests in flight keep
 * the host they picked.
 *
 * <p><b>Threading.</b> {@link #pick(PickContext)}, the circuit-breaker methods and the counters
 * are called from every event loop concurrently and never block. {@link #updateEndpoints(List)}
 * is called from one control thread at a time.
 */
public final class Cluster {

  private final ClusterConfig config;
  private final java.util.Optional<dev.bowline.proxy.tls.ClientTlsContext> tls;
  private final LoadBalancer balancer;
  private final ClusterStats stats;
  private final AtomicInteger activeRequests = new AtomicInteger();
  private final AtomicInteger pendingRequests = new AtomicInteger();
  private final AtomicInteger activeConnections = new AtomicInteger();
  private final java.util.concurrent.ConcurrentMap<io.netty.channel.EventLoop, Http1ConnectionPool> pools =
      new java.util.concurrent.ConcurrentHashMap<>();
  private volatile List<ClusterHost> hosts = List.of();
  private volatile Picker picker;

  Cluster(
      ClusterConfig config,
      LoadBalancer balancer,
      java.util.Optional<dev.bowline.proxy.tls.ClientTlsContext> tls,
      MetricRegistry metrics) {
    this.config = config;
    this.tls = tls;
    this.balancer = balancer;
    this.stats = new ClusterStats(config.name(), metrics);
    updateEndpoints(config.endpoints());
  }

  /** The configuration this cluster runs with. */
  public ClusterConfig config() {
    return config;
  }

  /** TLS origination to this cluster's endpoints, when configured. */
  java.util.Optional<dev.bowline.proxy.tls.ClientTlsContext> tls() {
    return tls;
  }

  /** The cluster's name. */
  public String name() {
    return config.name();
  }

  /** The cluster's counters. */
  public ClusterStats stats() {
    return stats;
  }

  /** Every host, healthy or not, for {@code /clusters}. */
  public List<ClusterHost> hosts() {
    return hosts;
  }

  /**
   * Replaces the endpoints. Hosts that stay keep their counters; a new picker over the hosts that
   * may receive traffic is built and published.
   */
  public synchronized void updateEndpoints(List<Endpoint> endpoints) {
    Map<Endpoint, ClusterHost> old = new java.util.HashMap<>();
    for (ClusterHost h : hosts) {
      old.put(h.endpoint(), h);
    }
    List<ClusterHost> next = new ArrayList<>(endpoints.size());
    List<UpstreamHost> eligible = new ArrayList<>(endpoints.size());
    for (Endpoint e : endpoints) {
      ClusterHost host = old.getOrDefault(e, new ClusterHost(e));
      next.add(host);
      if (e.health().receivesTraffic()) {
        eligible.add(host);
      }
    }
    hosts = List.copyOf(next);
    picker = balancer.newPicker(List.copyOf(eligible));
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

  /** Admits one more connection, unless {@code max_connections} is reached. */
  boolean tryOpenConnection() {
    if (activeConnections.incrementAndGet() > config.limits().maxConnections()) {
      activeConnections.decrementAndGet();
      stats.connectionOverflow.increment();
      return false;
    }
    stats.connectionsTotal.increment();
    return true;
  }

  void connectionClosed() {
    activeConnections.decrementAndGet();
  }

  /**
   * The connection pool of {@code loop}: connections to this cluster's hosts that live on that
   * event loop. Use it only from that loop.
   */
  public Http1ConnectionPool pool(io.netty.channel.EventLoop loop, UpstreamConnector connector) {
    Http1ConnectionPool pool = pools.get(loop);
    if (pool == null) {
      pool = pools.computeIfAbsent(loop, l -> new Http1ConnectionPool(this, l, connector));
    }
    return pool;
  }

  /** Closes the idle connections of every pool; used when the cluster is removed or replaced. */
  void closeIdleConnections() {
    pools.values().forEach(p -> p.loop().execute(p::closeIdle));
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
