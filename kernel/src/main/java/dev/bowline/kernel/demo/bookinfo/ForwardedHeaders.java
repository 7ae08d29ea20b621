package dev.bowline.kernel.demo.bookinfo;

import com.sun.net.httpserver.Headers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The request headers a Bookinfo service passes from the request it serves to the requests it
 * makes, as the original's productpage and reviews do: the trace context of every tracer Istio
 * supports (so the sidecars' spans join one trace), {@code x-request-id}, and the user's context
 * ({@code user-agent}, {@code cookie}, {@code authorization}, {@code jwt}) plus {@code end-user}.
 * Stateless.
 */
final class ForwardedHeaders {

  /** The header that carries the signed-in user, which routing rules match on. */
  static final String END_USER = "end-user";

  /** Passed on as received, when present. */
  static final List<String> PASSED_ON = List.of(
      "x-request-id",
      "x-b3-traceid",
      "x-b3-spanid",
      "x-b3-parentspanid",
      "x-b3-sampled",
      "x-b3-flags",
      "b3",
      "traceparent",
      "tracestate",
      "x-ot-span-context",
      "x-datadog-trace-id",
      "x-datadog-parent-id",
      "x-datadog-sampling-priority",
      "x-cloud-trace-context",
      "grpc-trace-bin",
      "sw8",
      "user-agent",
      "cookie",
      "authorization",
      "jwt");

  private ForwardedHeaders() {}

  /**
   * The headers to send on: those of {@link #PASSED_ON} that {@code incoming} has, and
   * {@code end-user: <endUser>} when present.
   */
  static Map<String, String> of(Headers incoming, Optional<String> endUser) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : PASSED_ON) {
      String value = incoming.getFirst(name);
      if (value != null) {
        out.put(name, value);
      }
    }
    endUser.ifPresent(u -> out.put(END_USER, u));
    return out;
  }
}
