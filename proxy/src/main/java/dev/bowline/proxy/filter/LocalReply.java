package dev.bowline.proxy.filter;

import dev.bowline.proxy.route.MutableHeaders;
import java.util.function.Consumer;

/**
 * An answer a built-in filter gives instead of the upstream's: status, body, the Envoy response
 * flag that says why ({@code FI}, {@code RL}, or {@code -} for a CORS preflight), and headers.
 *
 * <p>A reply to a gRPC request is shaped as Envoy shapes its local replies to gRPC: HTTP 200 with
 * no body and the status in {@code grpc-status} and {@code grpc-message} (a "Trailers-Only"
 * response), the gRPC status being the one asked for or the HTTP status's gRPC equivalent.
 *
 * @param status the HTTP status
 * @param body the body (text), possibly empty
 * @param flag the response flag, {@code -} for none
 * @param headers sets the reply's headers (after the content headers the data path sets)
 */
public record LocalReply(int status, String body, String flag, Consumer<MutableHeaders> headers) {

  /** Delay injected ({@code DI}). */
  public static final String DELAY_INJECTED = "DI";

  /** Fault injected: an abort ({@code FI}). */
  public static final String FAULT_INJECTED = "FI";

  /** Rate limited ({@code RL}). */
  public static final String RATE_LIMITED = "RL";

  /** No flag. */
  public static final String NO_FLAG = "-";

  /**
   * A reply of {@code status} and {@code message}, gRPC-shaped for a gRPC request.
   *
   * @param grpcStatus the gRPC status for a gRPC request, or -1 for the HTTP status's equivalent
   * @param extra more headers, or null
   */
  static LocalReply of(
      FilterRequest request, int status, int grpcStatus, String message, String flag,
      Consumer<MutableHeaders> extra) {
    if (!request.isGrpc()) {
      return new LocalReply(status, message, flag, extra == null ? h -> {} : extra);
    }
    String grpc = Integer.toString(grpcStatus >= 0 ? grpcStatus : grpcStatusOf(status));
    return new LocalReply(
        200,
        "",
        flag,
        h -> {
          h.set("content-type", "application/grpc");
          h.set("grpc-status", grpc);
          h.set("grpc-message", message);
          if (extra != null) {
            extra.accept(h);
          }
        });
  }

  /** Envoy's mapping of an HTTP status to a gRPC status ({@code Grpc::Utility::httpToGrpcStatus}). */
  static int grpcStatusOf(int httpStatus) {
    return switch (httpStatus) {
      case 400 -> 13; // INTERNAL
      case 401 -> 16; // UNAUTHENTICATED
      case 403 -> 7; // PERMISSION_DENIED
      case 404 -> 12; // UNIMPLEMENTED
      case 429, 502, 503, 504 -> 14; // UNAVAILABLE
      default -> 2; // UNKNOWN
    };
  }
}
