package dev.bowline.proxy.http2;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpScheme;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslHandler;
import java.util.function.Consumer;

/**
 * The HTTP/1-shaped view of one upstream HTTP/2 stream channel: requests written as a head,
 * contents and a last content become HEADERS and DATA frames, and the response's frames become a
 * head, contents and a last content with trailers ({@link StreamTranslator} says exactly how).
 * Requests carry {@code :scheme} {@code https} when the connection speaks TLS, {@code http}
 * otherwise. Downstream streams have no channel: {@link ServerStream} translates for them.
 *
 * <p><b>Threading.</b> One instance per stream channel (not sharable), on its event loop.
 */
public final class Http2StreamCodec extends ChannelDuplexHandler {

  /** Pipeline name used by the data path. */
  public static final String NAME = "bowline-h2-stream-codec";

  private final StreamTranslator translator = new StreamTranslator(false);
  private Consumer<Object> inbound;
  private StreamTranslator.FrameOutput outbound;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    Channel channel = ctx.channel();
    Channel connection = channel instanceof Http2StreamChannel ? channel.parent() : channel;
    if (connection.pipeline().get(SslHandler.class) != null) {
      translator.scheme(HttpScheme.HTTPS);
    }
    inbound = ctx::fireChannelRead;
    outbound = new StreamTranslator.ContextOutput(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Http2Exception {
    translator.read(msg, inbound);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (StreamTranslator.translates(msg)) {
      translator.write(msg, promise, outbound);
    } else {
      translator.writeHeld(outbound);
      ctx.write(msg, promise);
    }
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    translator.writeHeld(outbound);
    ctx.flush();
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    translator.writeHeld(outbound);
    ctx.close(promise);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    translator.dropHeld();
  }
}
