package dev.bowline.proxy.http2;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpStatusClass;

/**
 * Gives the data path the message shape HTTP/1.1 has: a head, then contents, the last one a {@code
 * LastHttpContent} (with any trailers). Netty's {@code Http2StreamFrameToHttpObjectCodec} decodes a
 * HEADERS frame that ends its stream into one {@link FullHttpMessage}; this handler splits it into
 * a head ({@code DefaultHttpRequest} or {@code DefaultHttpResponse}, sharing the headers) and a
 * {@code DefaultLastHttpContent} that takes over the content buffer and the trailers. Informational
 * responses (1xx) stay whole, as the HTTP/1 path expects them. Everything else passes unchanged.
 *
 * <p><b>Threading.</b> Stateless and {@link ChannelHandler.Sharable}: one instance, {@link
 * #INSTANCE}, serves every stream channel.
 */
@ChannelHandler.Sharable
public final class FullMessageSplitter extends ChannelInboundHandlerAdapter {

  /** The one instance. */
  public static final FullMessageSplitter INSTANCE = new FullMessageSplitter();

  /** Pipeline name used by the data path. */
  public static final String NAME = "bowline-h2-full-message-splitter";

  private FullMessageSplitter() {}

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpMessage full)) {
      ctx.fireChannelRead(msg);
      return;
    }
    HttpMessage head;
    if (full instanceof FullHttpRequest request) {
      head =
          new DefaultHttpRequest(
              request.protocolVersion(), request.method(), request.uri(), request.headers());
    } else {
      FullHttpResponse response = (FullHttpResponse) full;
      if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
        ctx.fireChannelRead(msg);
        return;
      }
      head = new DefaultHttpResponse(response.protocolVersion(), response.status(), response.headers());
    }
    head.setDecoderResult(full.decoderResult());
    ctx.fireChannelRead(head);
    // The content buffer changes hands: the full message itself is not released.
    ctx.fireChannelRead(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
  }
}
