package dev.bowline.proxy.http.hardening;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import java.util.Objects;

/**
 * A request head that passed {@link Http1RequestGuard}: what the data path receives instead of the
 * decoder's request. It shares the decoded request's headers (no copy).
 *
 * <ul>
 *   <li>{@link #uri()} is the normalized origin-form target ({@code /path?query}, or {@code *}
 *       for {@code OPTIONS *}): use it for route matching and forwarding.
 *   <li>The {@code Host} header is the authority to route on; for an absolute-form request it has
 *       been replaced by the target's authority (RFC 9112 §3.2.2).
 *   <li>{@link #originalUri()} is the request-target exactly as received, for logs and debugging.
 *       It is deliberately not put in a header (see {@link Http1RequestGuard}).
 * </ul>
 *
 * <p>Not thread-safe, like every Netty message; it lives on its channel's event loop.
 */
public final class GuardedHttpRequest extends DefaultHttpRequest {

  private final String originalUri;

  GuardedHttpRequest(HttpRequest decoded, String normalizedUri, String originalUri) {
    super(decoded.protocolVersion(), decoded.method(), normalizedUri, decoded.headers());
    this.originalUri = Objects.requireNonNull(originalUri, "originalUri");
    setDecoderResult(decoded.decoderResult());
  }

  /** The request-target as received, before absolute-form reduction and normalization. */
  public String originalUri() {
    return originalUri;
  }

  /** Whether the guard changed the request-target. */
  public boolean uriChanged() {
    return !originalUri.equals(uri());
  }
}
