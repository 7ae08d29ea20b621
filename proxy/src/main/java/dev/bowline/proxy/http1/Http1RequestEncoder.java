package dev.bowline.proxy.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.util.Queue;

/**
 * The request encoder towards an HTTP/1.1 upstream. It notes each request's method in {@code sent}
 * for the response decoder, which needs it to frame the answer (no body after HEAD). The target is
 * written as UTF-8, an empty one as {@code /}; an absolute-form target without a path gets one
 * ({@code http://a?q} is sent as {@code http://a/?q}), as Netty's request encoder does.
 *
 * <p><b>Threading.</b> One instance per connection (not sharable), on its event loop.
 */
public final class Http1RequestEncoder extends Http1MessageEncoder<HttpRequest> {

  private final Queue<HttpMethod> sent;

  /** @param sent where each request's method is noted, oldest first */
  public Http1RequestEncoder(Queue<HttpMethod> sent) {
    super(HttpRequest.class);
    this.sent = sent;
  }

  /** A request always frames its own body; called once per request, so its method is noted here. */
  @Override
  protected boolean isContentAlwaysEmpty(HttpRequest request) {
    sent.add(request.method());
    return false;
  }

  @Override
  protected int startLineLength(HttpRequest request) {
    return request.method().asciiName().length() + 1 + ByteBufUtil.utf8Bytes(target(request)) + 1
        + versionLength(request.protocolVersion()) + 2;
  }

  @Override
  protected void writeStartLine(HttpRequest request, ByteBuf out) {
    ByteBufUtil.copy(request.method().asciiName(), out);
    out.writeByte(' ');
    ByteBufUtil.writeUtf8(out, target(request));
    out.writeByte(' ');
    writeVersion(request.protocolVersion(), out);
    writeCrlf(out);
  }

  /** The request target as it goes on the wire. */
  static CharSequence target(HttpRequest request) {
    String uri = request.uri();
    if (uri.isEmpty()) {
      return "/";
    }
    if (uri.charAt(0) == '/') {
      return uri;
    }
    int scheme = uri.indexOf("://");
    if (scheme == -1) {
      return uri;
    }
    int authority = scheme + 3;
    int query = uri.indexOf('?', authority);
    int end = query == -1 ? uri.length() : query;
    if (uri.indexOf('/', authority) != -1 && uri.indexOf('/', authority) < end) {
      return uri;
    }
    return uri.substring(0, end) + "/" + uri.substring(end);
  }
}
