package dev.bowline.proxy.http.hardening;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Objects;

/**
 * A user event that {@link Http1RequestGuard} fires down the pipeline (through {@code
 * fireUserEventTriggered}) when it decides to answer a request itself instead of forwarding it: a
 * rejection, or the redirect of {@code UNESCAPE_AND_REDIRECT}. The guard writes the response and
 * closes the connection on its own; the event only lets later handlers count and log it (Envoy's
 * {@code downstream_rq_4xx}, {@code %RESPONSE_CODE_DETAILS%}). Nothing of the refused request is
 * ever passed on.
 *
 * <p>A handler receiving it must neither write nor close: the guard writes the reply (after any
 * responses still owed to earlier pipelined requests) and closes the connection itself. Requests
 * forwarded earlier stay valid and should be answered normally, except when {@link
 * #abortsForwardedRequest()} is set: then the body of the last forwarded request failed to decode,
 * no more of it will come, and the data path should abort that exchange (its response, if already
 * started, is cut short by the close).
 *
 * @param status the status the guard answers with
 * @param details a short, stable reason, e.g. {@code http1.content_length_and_chunked_not_allowed}
 *     or a {@link PathRejection#details()}
 * @param violation the violation, or {@code null} for a redirect
 * @param abortsForwardedRequest whether the last forwarded request's body failed mid-way
 */
public record GuardLocalReply(
    HttpResponseStatus status,
    String details,
    Http1Violation violation,
    boolean abortsForwardedRequest) {

  public GuardLocalReply {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(details, "details");
  }

  /** Whether this is the redirect of {@code UNESCAPE_AND_REDIRECT} rather than a rejection. */
  public boolean isRedirect() {
    return violation == null;
  }
}
