package dev.bowline.proxy.upstream.health;

/**
 * Runs one kind of check (HTTP/1.1, HTTP/2, gRPC, TCP) against one host, keeping its connection
 * between checks when the configuration allows.
 *
 * <p><b>Threading.</b> Confined to the session's event loop.
 */
interface CheckClient {

  /**
   * Starts one check. The callback hears exactly one result, unless {@link #close()} comes first;
   * it may be called before this method returns.
   */
  void check(CheckCallback callback);

  /** Drops the connection; a check in flight reports nothing more. */
  void close();

  /** The result of one check. */
  interface CheckCallback {

    /** The host passed. */
    void passed();

    /**
     * The host failed.
     *
     * @param network whether the failure is the network's (no connection, reset, closed) rather
     *     than an answer the check does not accept
     * @param retriable for an unaccepted answer, whether it only counts toward the unhealthy
     *     threshold (an HTTP status in {@code retriable_statuses}) instead of failing the host at
     *     once
     */
    void failed(boolean network, boolean retriable);

    /** Reports the verdict on a complete answer. */
    default void judged(Verdict verdict) {
      switch (verdict) {
        case PASS -> passed();
        case FAIL -> failed(false, false);
        case FAIL_RETRIABLE -> failed(false, true);
        default -> throw new IllegalStateException(verdict.toString());
      }
    }
  }
}
