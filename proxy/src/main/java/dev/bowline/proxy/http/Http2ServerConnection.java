package dev.bowline.proxy.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The connection-level end of a downstream HTTP/2 connection, after the frame codec and {@code
 * Http2ServerStreams} (its streams are served by {@link Http2StreamDownstream}s): counts the
 * connection, releases the connection frames passed up (SETTINGS, PING, GOAWAY), and on {@link
 * DrainEvent} closes the channel, which the HTTP/2 codec turns into a
 * graceful shutdown: GOAWAY, then close once the streams in flight have ended (or after the
 * connection manager's {@code drain_timeout}). Connection errors are the codec's to answer (GOAWAY
 * with their code, then close); they are only swallowed here.
 *
 * <p><b>Threading.</b> One instance per connection, confined to its event loop.
 */
final class Http2ServerConnection extends ChannelInboundHandlerAdapter {

  private final HttpConnectionManager manager;

  Http2ServerConnection(HttpConnectionManager manager) {
    this.manager = manager;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    manager.stats().connections.increment();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof DrainEvent) {
      ctx.close();
      return;
    }
    ReferenceCountUtil.release(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Only reported: the HTTP/2 codec answers every connection error itself (GOAWAY with the
    // error's code, then close). Closing here would send a GOAWAY NO_ERROR first.
  }
}
