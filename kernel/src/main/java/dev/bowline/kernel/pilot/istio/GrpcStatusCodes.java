package dev.bowline.kernel.pilot.istio;

import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * The gRPC status names Istio's {@code abort.grpcStatus} takes ({@code UNAVAILABLE}, ...) and
 * their codes, in code order. Stateless.
 */
public final class GrpcStatusCodes {

  private static final List<String> NAMES =
      List.of(
          "OK",
          "CANCELLED",
          "UNKNOWN",
          "INVALID_ARGUMENT",
          "DEADLINE_EXCEEDED",
          "NOT_FOUND",
          "ALREADY_EXISTS",
          "PERMISSION_DENIED",
          "RESOURCE_EXHAUSTED",
          "FAILED_PRECONDITION",
          "ABORTED",
          "OUT_OF_RANGE",
          "UNIMPLEMENTED",
          "INTERNAL",
          "UNAVAILABLE",
          "DATA_LOSS",
          "UNAUTHENTICATED");

  private GrpcStatusCodes() {}

  /** The code of status {@code name} (upper case as Istio writes it), or empty. */
  public static OptionalInt code(String name) {
    int i = name == null ? -1 : NAMES.indexOf(name.toUpperCase(Locale.ROOT));
    return i < 0 ? OptionalInt.empty() : OptionalInt.of(i);
  }

  /** Every status name, in code order. */
  public static List<String> names() {
    return NAMES;
  }
}
