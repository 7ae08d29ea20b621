package dev.bowline.proxy.http.hardening;

import dev.bowline.proxy.http1.Http1MessageEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;

/**
 * The downstream response encoder, paired with the request methods (as {@code HttpServerCodec}
 * pairs them): a response to HEAD never gets a body or a chunk terminator, and a 2xx to CONNECT
 * loses Transfer-Encoding. Informational (1xx) responses are not paired. The rest is Netty's
 * response rules: 1xx (but a {@code 101} without {@code Sec-WebSocket-Version}), 204, 205 and 304
 * have no body; 1xx and 204 lose Content-Length and Transfer-Encoding, 205 gets {@code
 * Content-Length: 0}.
 *
 * <p>Not sharable: one per channel, on its event loop.
 */
final class PairedResponseEncoder extends Http1MessageEncoder<HttpResponse> {

  private final MethodQueue methods;
  private byte method = MethodQueue.OTHER;

  PairedResponseEncoder(MethodQueue methods) {
    super(HttpResponse.class);
    this.methods = methods;
  }

  @Override
  protected boolean isContentAlwaysEmpty(HttpResponse msg) {
    HttpResponseStatus status = msg.status();
    if (status.codeClass() == HttpStatusClass.INFORMATIONAL) {
      if (status.code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
        return msg.headers().contains(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
      }
      return true;
    }
    method = methods.poll();
    int code = status.code();
    return method == MethodQueue.HEAD
        || code == HttpResponseStatus.NO_CONTENT.code()
        || code == HttpResponseStatus.NOT_MODIFIED.code()
        || code == HttpResponseStatus.RESET_CONTENT.code();
  }

  @Override
  protected void sanitizeHeadersBeforeEncode(HttpResponse msg, boolean alwaysEmpty) {
    HttpResponseStatus status = msg.status();
    if (!alwaysEmpty) {
      if (method == MethodQueue.CONNECT && status.codeClass() == HttpStatusClass.SUCCESS) {
        msg.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
      }
      return;
    }
    if (status.codeClass() == HttpStatusClass.INFORMATIONAL
        || status.code() == HttpResponseStatus.NO_CONTENT.code()) {
      msg.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
      msg.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
    } else if (status.code() == HttpResponseStatus.RESET_CONTENT.code()) {
      msg.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
      msg.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    }
  }

  @Override
  protected int startLineLength(HttpResponse msg) {
    HttpResponseStatus status = msg.status();
    return versionLength(msg.protocolVersion()) + 1 + status.codeAsText().length() + 1
        + status.reasonPhrase().length() + 2;
  }

  @Override
  protected void writeStartLine(HttpResponse msg, ByteBuf out) {
    HttpResponseStatus status = msg.status();
    writeVersion(msg.protocolVersion(), out);
    out.writeByte(' ');
    ByteBufUtil.copy(status.codeAsText(), out);
    out.writeByte(' ');
    writeAscii(status.reasonPhrase(), out);
    writeCrlf(out);
  }
}
