package dev.bowline.proxy.upstream.outlier;

/**
 * Envoy's mapping of a gRPC status code to the HTTP status outlier detection judges (Envoy's
 * {@code Grpc::Utility::grpcToHttpStatus}). Stateless.
 */
final class GrpcHttpStatus {

  private GrpcHttpStatus() {}

  /** The HTTP status for the {@code grpc-status} value {@code text}; 500 when it is not a code. */
  static int of(CharSequence text) {
    int code = 0;
    if (text.length() == 0 || text.length() > 2) {
      return 500;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return 500;
      }
      code = code * 10 + (c - '0');
    }
    switch (code) {
      case 0: // OK
        return 200;
      case 1: // CANCELLED
        return 499;
      case 3: // INVALID_ARGUMENT
      case 9: // FAILED_PRECONDITION
      case 11: // OUT_OF_RANGE
        return 400;
      case 4: // DEADLINE_EXCEEDED
        return 504;
      case 5: // NOT_FOUND
        return 404;
      case 6: // ALREADY_EXISTS
      case 10: // ABORTED
        return 409;
      case 7: // PERMISSION_DENIED
        return 403;
      case 8: // RESOURCE_EXHAUSTED
        return 429;
      case 12: // UNIMPLEMENTED
        return 501;
      case 14: // UNAVAILABLE
        return 503;
      case 16: // UNAUTHENTICATED
        return 401;
      default: // UNKNOWN, INTERNAL, DATA_LOSS and anything else
        return 500;
    }
  }
}
