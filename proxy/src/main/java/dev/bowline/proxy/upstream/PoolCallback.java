package dev.bowline.proxy.upstream;

/**
 * The answer to {@link ConnectionPool#acquire}: a connection ready for one request, or why
 * none could be had.
 *
 * <p>Called on the pool's event loop, exactly once per acquire.
 */
public interface PoolCallback {

  /**
   * A connection (HTTP/1.1) or stream (HTTP/2) ready for one request; bind the request to it before
   * writing. A caller that no longer needs it must {@link UpstreamConnection#abandon()} it.
   */
  void onReady(UpstreamConnection connection);

  /**
   * No connection: {@code overflow} is true when a circuit breaker refused (503, flag UO), false
   * when connecting failed (503, flag UF); {@code detail} says why.
   */
  void onFailure(boolean overflow, String detail);

  /**
   * Whether the caller still wants a connection. A request waiting for a connection slot that is
   * no longer wanted (its try ended: timeout, reset, retry elsewhere) is dropped from the queue
   * without a callback.
   */
  default boolean wanted() {
    return true;
  }
}
