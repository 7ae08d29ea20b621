package dev.bowline.proxy.route;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A route's {@code retry_policy}, as a value; the data path performs the retries.
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
 */
public record RetryPolicy(
    String retryOn,
    Set<String> conditions,
    int numRetries,
    Duration perTryTimeout,
    List<Integer> retriableStatusCodes,
    Duration backOffBase,
    Duration backOffMax) {

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

  /** Whether {@code condition} (such as {@code 5xx}) is one to retry on. */
  public boolean retriesOn(String condition) {
    return conditions.contains(condition);
  }

  /** Whether {@code status} is listed in {@code retriable_status_codes}. */
  public boolean isRetriableStatus(int status) {
    return retriableStatusCodes.contains(status);
  }
}
