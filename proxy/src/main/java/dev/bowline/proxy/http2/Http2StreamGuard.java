package dev.bowline.proxy.http2;

import dev.bowline.proxy.http.hardening.GuardLocalReply;
import dev.bowline.proxy.http.hardening.Http1Violation;
import dev.bowline.proxy.http.hardening.PathNormalization;
import dev.bowline.proxy.http.hardening.PathNormalizer;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.Objects;

/**
 * Vets the request of one downstream HTTP/2 stream before the data path sees it: the HTTP/2
 * counterpart of the HTTP/1 request guard, which the streams do not pass through. {@link
 * ServerStream} asks it about each request head.
 *
 * <p>Checks, in order (each refusal is answered on the stream and the stream is then closed, which
 * resets it if the client is still sending; other streams of the connection are unaffected):
 *
 * <ol>
 *   <li>More header fields than {@code max_headers_count}: 431. (The header block's size is limited
 *       by the codec through {@code SETTINGS_MAX_HEADER_LIST_SIZE}.)
 *   <li>{@code CONNECT} (tunnelling, including extended CONNECT for WebSocket): 403.
 *   <li>{@code :authority} (or {@code Host}) missing: 400; not a plain {@code host[:port]}: 400.
 *   <li>The {@code :path} through the connection manager's {@link PathNormalizer}: rejected: 400;
 *       {@code UNESCAPE_AND_REDIRECT}: 307 with the normalized {@code Location}; otherwise the
 *       request goes on with the normalized path, which is what routes see and what is forwarded.
 * </ol>
 *
 * <p>Header values with CR, LF or NUL never get this far: the codec's validation fails the stream.
 *
 * <p><b>Threading.</b> Immutable and thread-safe: one per connection manager configuration.
 */
public final class Http2StreamGuard {

  /**
   * A refused request: what to tell the data path (for stats and logs, as on HTTP/1) and the
   * response to answer with.
   */
  record Refusal(GuardLocalReply reply, FullHttpResponse response) {}

  private final PathNormalizer normalizer;
  private final int maxHeadersCount;

  /**
   * @param normalizer the connection manager's path normalizer
   * @param maxHeadersCount the most header fields a request may carry
   */
  public Http2StreamGuard(PathNormalizer normalizer, int maxHeadersCount) {
    this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
    this.maxHeadersCount = maxHeadersCount;
  }

  /**
   * Vets {@code request}: null when it may go on (its target then normalized), else the refusal.
   */
  Refusal vet(HttpRequest request) {
    HttpHeaders headers = request.headers();
    if (headers.size() > maxHeadersCount) {
      return refuse(Http1Violation.TOO_MANY_HEADERS, Http1Violation.TOO_MANY_HEADERS.details(), null);
    }
    if (HttpMethod.CONNECT.equals(request.method())) {
      return refuse(
          Http1Violation.CONNECT_NOT_SUPPORTED, Http1Violation.CONNECT_NOT_SUPPORTED.details(), null);
    }
    List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
    if (hosts.isEmpty()) {
      return refuse(Http1Violation.MISSING_HOST, Http1Violation.MISSING_HOST.details(), null);
    }
    if (hosts.size() > 1 || !isAuthority(hosts.get(0))) {
      return refuse(Http1Violation.INVALID_HOST, Http1Violation.INVALID_HOST.details(), null);
    }
    PathNormalization path = normalizer.normalize(request.uri(), request.method());
    switch (path.outcome()) {
      case REJECT -> {
        return refuse(Http1Violation.INVALID_PATH, path.rejection().details(), null);
      }
      case REDIRECT -> {
        return refuse(null, "path_normalization_redirect", path.target());
      }
      default -> {
        request.setUri(path.target());
        return null;
      }
    }
  }

  /** A non-empty {@code host[:port]} of URI host characters: no userinfo, path or whitespace. */
  static boolean isAuthority(String value) {
    if (value.isEmpty()) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '-'
              || c == '_'
              || c == '~'
              || c == ':'
              || c == '['
              || c == ']'
              || c == '%';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static Refusal refuse(Http1Violation violation, String details, String location) {
    HttpResponseStatus status =
        violation == null ? HttpResponseStatus.TEMPORARY_REDIRECT : violation.status();
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, HttpHeaderValues.ZERO);
    if (location != null) {
      response.headers().set(HttpHeaderNames.LOCATION, location);
    }
    return new Refusal(new GuardLocalReply(status, details, violation, false), response);
  }
}
