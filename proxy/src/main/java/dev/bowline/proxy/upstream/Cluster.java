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
  private final AtomicInteger activeRetries = new AtomicInteger();
  private final java.util.concurrent.ConcurrentMap<io.netty.channel.EventLoop, ConnectionPool> pools =
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

  /**
   * TLS origination to this cluster's endpoints, when configured: put {@code newHandler} first in
   * each upstream connection's pipeline and wait for its handshake before sending.
   */
  public java.util.Optional<dev.bowline.proxy.tls.ClientTlsContext> tls() {
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
    if (activeConnections.incrementAndGet() > config.limits().maxConnections()) {
      activeConnections.decrementAndGet();
      stats.connectionOverflow.increment();
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
