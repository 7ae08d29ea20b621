package dev.bowline.proxy.route;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A route's {@code retry_policy}, as a value, and which outcomes of an upstream try it retries
 * (Envoy's {@code wouldRetryFromHeaders} and {@code wouldRetryFromReset}); the data path performs
 * the retries.
 *
 * <p>Immutable and thread-safe.
 *
 * @param retryOn Envoy's {@code retry_on}, as configured (comma-separated conditions such as {@code
 *     5xx,reset,connect-failure})
 * @param conditions the conditions of {@code retryOn}, trimmed; each one Envoy defines
 * @param numRetries how many retries at most ({@code num_retries}; Envoy's default 1)
 * @param perTryTimeout the timeout of each try, or {@link Duration#ZERO} when unset (each try then
 *     has the route's timeout)
 * @param retriableStatusCodes the status codes retried under {@code retriable-status-codes}
 * @param backOffBase the base interval of the exponential back-off (Envoy's default 25 ms)
 * @param backOffMax the longest back-off (Envoy's default: 10 times the base)
 * @param avoidsTriedHosts whether a retry avoids the hosts already tried ({@code
 *     retry_host_predicate} {@code envoy.retry_host_predicates.previous_hosts}; without it, as in
 *     Envoy, a retry goes wherever the balancer picks, so a hashing balancer keeps the request on
 *     its host)
 */
public record RetryPolicy(
    String retryOn,
    Set<String> conditions,
    int numRetries,
    Duration perTryTimeout,
    List<Integer> retriableStatusCodes,
    Duration backOffBase,
    Duration backOffMax,
    boolean avoidsTriedHosts) {

  /** The conditions Envoy defines for HTTP and gRPC, which {@code retry_on} may list. */
  public static final Set<String> KNOWN_CONDITIONS =
      Set.copyOf(
          Arrays.asList(
              "5xx",
              "gateway-error",
              "reset",
              "reset-before-request",
              "connect-failure",
              "envoy-ratelimited",
              "retriable-4xx",
              "refused-stream",
              "retriable-status-codes",
              "retriable-headers",
              "http3-post-connect-failure",
              "cancelled",
              "deadline-exceeded",
              "internal",
              "resource-exhausted",
              "unavailable"));

  public RetryPolicy {
    conditions = Set.copyOf(conditions);
    retriableStatusCodes = List.copyOf(retriableStatusCodes);
  }

  /** A policy without {@code retry_host_predicate}: retries do not avoid hosts already tried. */
  public RetryPolicy(
      String retryOn,
      Set<String> conditions,
      int numRetries,
      Duration perTryTimeout,
      List<Integer> retriableStatusCodes,
      Duration backOffBase,
      Duration backOffMax) {
    this(retryOn, conditions, numRetries, perTryTimeout, retriableStatusCodes, backOffBase,
        backOffMax, false);
  }

  /** The gRPC status codes the gRPC conditions name. */
  private static final int GRPC_CANCELLED = 1;
  private static final int GRPC_DEADLINE_EXCEEDED = 4;
  private static final int GRPC_RESOURCE_EXHAUSTED = 8;
  private static final int GRPC_INTERNAL = 13;
  private static final int GRPC_UNAVAILABLE = 14;

  /** How an upstream try ended without response headers. */
  public enum UpstreamFailure {
    /** No connection (or stream) could be had: refused, timed out, TLS failed, closed at once. */
    CONNECT_FAILURE,
    /** The upstream reset the stream with {@code REFUSED_STREAM}. */
    REFUSED_STREAM,
    /** The connection closed or the stream was reset after the request started. */
    RESET,
    /** The try's {@code per_try_timeout} expired before the response headers came. */
    PER_TRY_TIMEOUT
  }

  /**
   * Whether a try whose response head has {@code status} is retried, as Envoy decides: a response
   * marked {@code x-envoy-ratelimited} only under {@code envoy-ratelimited}; otherwise {@code 5xx}
   * (any 5xx), {@code gateway-error} (502, 503, 504), {@code retriable-4xx} (409), {@code
   * retriable-status-codes} (the listed codes), and the gRPC conditions by the {@code grpc-status}
   * of the head (a Trailers-Only response): {@code cancelled} (1), {@code deadline-exceeded} (4),
   * {@code resource-exhausted} (8), {@code internal} (13), {@code unavailable} (14).
   *
   * @param grpcStatus the {@code grpc-status} of the response head, or -1 when it has none
   * @param envoyRateLimited whether the head carries {@code x-envoy-ratelimited}
   */
  public boolean retriesResponse(int status, int grpcStatus, boolean envoyRateLimited) {
    if (envoyRateLimited) {
      return retriesOn("envoy-ratelimited");
    }
    if (status >= 500 && status <= 599 && retriesOn("5xx")) {
      return true;
    }
    if ((status == 502 || status == 503 || status == 504) && retriesOn("gateway-error")) {
      return true;
    }
    if (status == 409 && retriesOn("retriable-4xx")) {
      return true;
    }
    if (isRetriableStatus(status) && retriesOn("retriable-status-codes")) {
      return true;
    }
    return switch (grpcStatus) {
      case GRPC_CANCELLED -> retriesOn("cancelled");
      case GRPC_DEADLINE_EXCEEDED -> retriesOn("deadline-exceeded");
      case GRPC_RESOURCE_EXHAUSTED -> retriesOn("resource-exhausted");
      case GRPC_INTERNAL -> retriesOn("internal");
      case GRPC_UNAVAILABLE -> retriesOn("unavailable");
      default -> false;
    };
  }

  /**
   * Whether a try that ended with {@code failure} before any response head is retried, as Envoy
   * decides: {@code reset}, {@code 5xx} and {@code gateway-error} retry every such failure
   * (a per-try timeout included); {@code connect-failure} and {@code reset-before-request} retry
   * connection failures; {@code refused-stream} retries {@code REFUSED_STREAM} resets.
   */
  public boolean retriesFailure(UpstreamFailure failure) {
    if (retriesOn("reset") || retriesOn("5xx") || retriesOn("gateway-error")) {
      return true;
    }
    return switch (failure) {
      case CONNECT_FAILURE -> retriesOn("connect-failure") || retriesOn("reset-before-request");
      case REFUSED_STREAM -> retriesOn("refused-stream");
      default -> false;
    };
  }

  /** Whether {@code condition} (such as {@code 5xx}) is one to retry on. */
  public boolean retriesOn(String condition) {
    return conditions.contains(condition);
  }

  /** Whether {@code status} is listed in {@code retriable_status_codes}. */
  public boolean isRetriableStatus(int status) {
    return retriableStatusCodes.contains(status);
  }
}
