package dev.bowline.proxy.upstream;

import dev.bowline.proxy.http1.Http1RequestEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The HTTP/1.1 codec of an upstream connection: Netty's response decoder, paired with the methods
 * of the requests sent (a response to HEAD has no body; a 200 to CONNECT ends HTTP on the
 * connection, and later bytes pass through), and Bowline's {@link Http1RequestEncoder}. It behaves
 * as Netty's {@code HttpClientCodec} with its defaults.
 *
 * <p><b>Threading.</b> One instance per connection (not sharable), on its event loop.
 */
public final class Http1ClientCodec
    extends CombinedChannelDuplexHandler<Http1ClientCodec.ResponseDecoder, Http1RequestEncoder> {

  private final ArrayDeque<HttpMethod> sent = new ArrayDeque<>(4);
  private boolean connected;

  /**
   * @param maxInitialLineLength the longest status line accepted
   * @param maxHeaderSize the largest header block accepted
   * @param maxChunkSize the largest piece of body handed on at once
   */
  public Http1ClientCodec(int maxInitialLineLength, int maxHeaderSize, int maxChunkSize) {
    init(
        new ResponseDecoder(
            new HttpDecoderConfig()
                .setMaxInitialLineLength(maxInitialLineLength)
                .setMaxHeaderSize(maxHeaderSize)
                .setMaxChunkSize(maxChunkSize)),
        new Http1RequestEncoder(sent));
  }

  /**
   * Requests are no longer encoded: every later write passes through as it is (the connection is
   * a tunnel after a {@code 101}; the decoder passes the bytes after a {@code 101} through itself).
   */
  public void passThrough() {
    outboundHandler().passThrough();
  }

  /** Netty's response decoder, told the method of the request each response answers. */
  final class ResponseDecoder extends HttpResponseDecoder {

    ResponseDecoder(HttpDecoderConfig config) {
      super(config);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
      if (connected) {
        int readable = actualReadableBytes();
        if (readable > 0) {
          out.add(buffer.readRetainedSlice(readable));
        }
        return;
      }
      super.decode(ctx, buffer, out);
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage msg) {
      HttpResponseStatus status = ((HttpResponse) msg).status();
      if (status.codeClass() == HttpStatusClass.INFORMATIONAL) {
        return super.isContentAlwaysEmpty(msg); // not paired with a request
      }
      HttpMethod method = sent.poll();
      if (HttpMethod.HEAD.equals(method)) {
        return true;
      }
      if (HttpMethod.CONNECT.equals(method) && status.code() == HttpResponseStatus.OK.code()) {
        connected = true;
        sent.clear();
        return true;
      }
      return super.isContentAlwaysEmpty(msg);
    }
  }
}
