package dev.bowline.proxy.upstream;

import dev.bowline.spi.lb.UpstreamHost;
import dev.bowline.spi.model.Endpoint;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One endpoint of a cluster as the proxy tracks it: the requests in flight to it (which
 * least-request balancing reads) and its counters for {@code /clusters}.
 *
 * <p><b>Threading.</b> Counters are updated from any event loop; reads are racy snapshots.
 */
public final class ClusterHost implements UpstreamHost {

  private final Endpoint endpoint;
  private final InetSocketAddress address;
  private final AtomicInteger activeRequests = new AtomicInteger();
  private final AtomicInteger activeConnections = new AtomicInteger();
  private final LongAdder totalRequests = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private final LongAdder connectFailures = new LongAdder();

  ClusterHost(Endpoint endpoint) {
    this.endpoint = endpoint;
    this.address = InetSocketAddress.createUnresolved(endpoint.address(), endpoint.port());
  }

  @Override
  public Endpoint endpoint() {
    return endpoint;
  }

  @Override
  public int activeRequests() {
    return activeRequests.get();
  }

  /** The address to connect to (resolved when connecting). */
  public InetSocketAddress address() {
    return address;
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

  /** Failed connection attempts. */
  public long connectFailures() {
    return connectFailures.sum();
  }

  @Override
  public String toString() {
    return endpoint.authority();
  }
}
