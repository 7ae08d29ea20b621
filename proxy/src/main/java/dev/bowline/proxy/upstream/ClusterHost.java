package dev.bowline.proxy.upstream;

import dev.bowline.proxy.upstream.health.ActiveHealth;
import dev.bowline.proxy.upstream.health.CheckedHost;
import dev.bowline.proxy.upstream.outlier.HostMonitor;
import dev.bowline.proxy.upstream.outlier.HostOutcomes;
import dev.bowline.spi.lb.UpstreamHost;
import dev.bowline.spi.model.Endpoint;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One endpoint of a cluster as the proxy tracks it: the requests in flight to it (which
 * least-request balancing reads), its counters for {@code /clusters}, its priority level, and its
 * health as Envoy composes it from three sources: the endpoint's own status ({@code
 * /failed_eds_health}), active health checking ({@code /failed_active_hc}) and outlier detection
 * ({@code /failed_outlier_check}). A host takes traffic only when none of them fails it (unless its
 * priority level is in panic).
 *
 * <p>A host is identified by its address and port: an update that changes only the endpoint's
 * weight, locality or status, or its priority, keeps the host, its counters and its health-check
 * and outlier state, as in Envoy.
 *
 * <p><b>Threading.</b> Counters are updated from any event loop; reads are racy snapshots. The
 * endpoint and priority are replaced by the cluster (one control thread at a time) and read
 * anywhere.
 */
public final class ClusterHost implements UpstreamHost, CheckedHost {

  private volatile Endpoint endpoint;
  private volatile int priority;
  private final InetSocketAddress address;
  private final HostMonitor outlier;
  private final ActiveHealth activeHealth;
  private final AtomicInteger activeRequests = new AtomicInteger();
  private final AtomicInteger activeConnections = new AtomicInteger();
  private final LongAdder totalRequests = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder connectFailures = new LongAdder();

  /** A host with no health checking and no outlier detection, at priority 0. */
  ClusterHost(Endpoint endpoint) {
    this(endpoint, 0, null, null);
  }

  /**
   * @param outlier its outlier monitor, or null when the cluster has no outlier detection
   * @param activeHealth its active-health state, or null when the cluster has no health check
   */
  ClusterHost(Endpoint endpoint, int priority, HostMonitor outlier, ActiveHealth activeHealth) {
    this.endpoint = endpoint;
    this.priority = priority;
    this.address = InetSocketAddress.createUnresolved(endpoint.address(), endpoint.port());
    this.outlier = outlier;
    this.activeHealth = activeHealth;
  }

  @Override
  public Endpoint endpoint() {
    return endpoint;
  }

  /** The host's priority level (0 is the highest). */
  public int priority() {
    return priority;
  }

  /** Takes the endpoint's new weight, locality or status, and its new priority. */
  void update(Endpoint next, int nextPriority) {
    endpoint = next;
    priority = nextPriority;
  }

  @Override
  public int activeRequests() {
    return activeRequests.get();
  }

  /** The address to connect to (resolved when connecting). */
  public InetSocketAddress address() {
    return address;
  }

  @Override
  public InetSocketAddress checkAddress() {
    return new InetSocketAddress(endpoint.address(), endpoint.port());
  }

  @Override
  public ActiveHealth activeHealth() {
    return activeHealth;
  }

  /** Where the data path reports the outcome of each try at this host (outlier detection). */
  public HostOutcomes outcomes() {
    return outlier == null ? HostOutcomes.NONE : outlier;
  }

  /** The host's outlier monitor, or null when its cluster has no outlier detection. */
  public HostMonitor outlierMonitor() {
    return outlier;
  }

  /** Whether the endpoint's own status (EDS) keeps it from traffic. */
  public boolean failsEdsHealth() {
    return !endpoint.health().receivesTraffic();
  }

  /** Whether active health checking keeps it from traffic. */
  public boolean failsActiveHealthCheck() {
    return activeHealth != null && activeHealth.isFailed();
  }

  /** Whether outlier detection has ejected it. */
  public boolean isEjected() {
    return outlier != null && outlier.isEjected();
  }

  /** Whether the host may take traffic (healthy by every source). */
  public boolean isHealthy() {
    return !failsEdsHealth() && !failsActiveHealthCheck() && !isEjected();
  }

  /**
   * Envoy's {@code health_flags} for {@code /clusters}: {@code healthy}, or the failing flags in
   * Envoy's order, such as {@code /failed_active_hc/pending_active_hc}.
   */
  public String healthFlags() {
    StringBuilder flags = new StringBuilder();
    if (failsActiveHealthCheck()) {
      flags.append("/failed_active_hc");
    }
    if (isEjected()) {
      flags.append("/failed_outlier_check");
    }
    if (failsEdsHealth()) {
      flags.append("/failed_eds_health");
    }
    if (activeHealth != null && activeHealth.isPending()) {
      flags.append("/pending_active_hc");
    }
    if (activeHealth != null && activeHealth.isTimedOut()) {
      flags.append("/active_hc_timeout");
    }
    return flags.length() == 0 ? "healthy" : flags.toString();
  }

  /** Called by the data path when a request is sent to this host. */
  public void requestStarted() {
    activeRequests.incrementAndGet();
    totalRequests.increment();
  }

  /** Called by the data path when a request to this host ends. */
  public void requestFinished(boolean failed) {
    activeRequests.decrementAndGet();
    if (failed) {
      errors.increment();
    }
  }

  void connectionOpened() {
    activeConnections.incrementAndGet();
  }

  void connectionClosed() {
    activeConnections.decrementAndGet();
  }

  void connectFailed() {
    connectFailures.increment();
  }

  /** Connections open to this host now. */
  public int activeConnections() {
    return activeConnections.get();
  }

  /** Requests sent to this host since it was added. */
  public long totalRequests() {
    return totalRequests.sum();
  }

  /** Requests to this host that ended in an error (5xx, reset, timeout). */
  public long errors() {
    return errors.sum();
  }

  /** Requests to this host that ended without an error. */
  public long successes() {
    return Math.max(0, totalRequests.sum() - errors.sum() - activeRequests.get());
  }

  /** Failed connection attempts. */
  public long connectFailures() {
    return connectFailures.sum();
  }

  @Override
  public String toString() {
    return endpoint.authority();
  }
}
