package dev.bowline.proxy.upstream;

/**
 * The connections of one cluster on one event loop, whatever the protocol spoken upstream: {@link
 * Http1ConnectionPool} hands out one keep-alive connection per request, {@link Http2ConnectionPool}
 * one stream of a multiplexed connection per request. Either way the request gets an {@link
 * UpstreamConnection} whose channel takes HTTP/1-shaped messages (head, contents, last content with
 * trailers) and whose listener hears the response the same way.
 *
 * <p><b>Threading.</b> A pool is confined to its event loop: every method must be called there.
 */
public interface ConnectionPool {

  /**
   * Finds or opens a connection (or stream) to {@code host} and calls back exactly once, on this
   * pool's event loop: {@link PoolCallback#onReady} or {@link PoolCallback#onFailure}. Enforces the
   * cluster's {@code max_connections} and {@code max_pending_requests} breakers.
   */
  void acquire(ClusterHost host, PoolCallback callback);

  /** Closes the connections that carry no request now; used when the cluster goes away. */
  void closeIdle();
}
