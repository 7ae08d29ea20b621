package dev.bowline.proxy.upstream.outlier;

/**
 * What became of the tries the data path sent to one host, reported for outlier detection as
 * Envoy's router and TCP proxy report them: the upstream's response status, a failure to connect
 * (also a reset or a TLS failure), a timeout before the response head, and a successful
 * connection.
 *
 * <p><b>Threading.</b> Called on event loops, concurrently for the same host; implementations only
 * count (atomically) and never block.
 */
public interface HostOutcomes {

  /** Outcomes of a host whose cluster has no outlier detection: nothing is counted. */
  HostOutcomes NONE =
      new HostOutcomes() {
        @Override
        public void connected() {}

        @Override
        public void connectedFinal() {}

        @Override
        public void connectFailed() {}

        @Override
        public void timedOut() {}

        @Override
        public void responded(int status, CharSequence grpcStatus) {}
      };

  /** A connection (or stream) to the host is ready for a try. */
  void connected();

  /**
   * A connection to the host is up and that is the whole exchange (the TCP proxy): a success, as
   * Envoy's {@code LOCAL_ORIGIN_CONNECT_SUCCESS_FINAL}.
   */
  void connectedFinal();

  /** A try could not connect, or its connection was reset or closed before it finished. */
  void connectFailed();

  /** A try timed out before its response head arrived (per-try or route timeout). */
  void timedOut();

  /**
   * A try's response head arrived.
   *
   * @param status its HTTP status
   * @param grpcStatus the {@code grpc-status} of a Trailers-Only gRPC response, or null; when
   *     present it is judged instead of the status, mapped to HTTP as Envoy maps it
   */
  void responded(int status, CharSequence grpcStatus);
}
