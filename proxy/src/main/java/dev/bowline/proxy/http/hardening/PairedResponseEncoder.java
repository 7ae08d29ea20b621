package dev.bowline.proxy.http.hardening;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;

/**
 * Netty's response encoder, paired with the request methods (as {@code HttpServerCodec} pairs
 * them): a response to HEAD never gets a body or a chunk terminator, and a 2xx to CONNECT loses
 * Transfer-Encoding. Informational (1xx) responses are not paired.
 *
 * <p>Not sharable: one per channel, on its event loop.
 */
final class PairedResponseEncoder extends HttpResponseEncoder {

  private final MethodQueue methods;
  private byte method = MethodQueue.OTHER;

  PairedResponseEncoder(MethodQueue methods) {
    this.methods = methods;
  }

  @Override
  protected boolean isContentAlwaysEmpty(HttpResponse msg) {
    if (msg.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
      return super.isContentAlwaysEmpty(msg);
    }
    method = methods.poll();
    return method == MethodQueue.HEAD || super.isContentAlwaysEmpty(msg);
  }

  @Override
  protected void sanitizeHeadersBeforeEncode(HttpResponse msg, boolean isAlwaysEmpty) {
    if (!isAlwaysEmpty
        && method == MethodQueue.CONNECT
        && msg.status().codeClass() == HttpStatusClass.SUCCESS) {
      msg.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
      return;
    }
    super.sanitizeHeadersBeforeEncode(msg, isAlwaysEmpty);
  }
}
