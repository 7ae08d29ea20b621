package dev.bowline.spi.mixer;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The answer to a Check, as Istio's {@code CheckResponse.PreconditionResult}.
 *
 * @param allowed whether the request may proceed
 * @param grpcStatus 0 (OK) when allowed; otherwise a gRPC status code such as 7 (PERMISSION_DENIED)
 *     or 16 (UNAUTHENTICATED), which the proxy maps to HTTP 403 or 401
 * @param message why it was denied; empty when allowed
 * @param validDuration how long the answer may be cached
 * @param referencedAttributes the attribute names the decision depended on (the cache key)
 */
public record CheckResult(
    boolean allowed,
    int grpcStatus,
    String message,
    Duration validDuration,
    Set<String> referencedAttributes) {

  /** gRPC status PERMISSION_DENIED. */
  public static final int PERMISSION_DENIED = 7;

  public CheckResult {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(validDuration, "validDuration");
    if (validDuration.isNegative()) {
      throw new IllegalArgumentException("validDuration must not be negative");
    }
    referencedAttributes = Set.copyOf(referencedAttributes);
    if (allowed != (grpcStatus == 0)) {
      throw new IllegalArgumentException("grpcStatus must be 0 exactly when allowed");
    }
  }

  /** Allows, cacheable for {@code validFor}, having read {@code referenced}. */
  public static CheckResult allow(Duration validFor, Set<String> referenced) {
    return new CheckResult(true, 0, "", validFor, referenced);
  }

  /** Denies with PERMISSION_DENIED and {@code reason}. */
  public static CheckResult deny(String reason, Duration validFor, Set<String> referenced) {
    return new CheckResult(false, PERMISSION_DENIED, reason, validFor, referenced);
  }
}
