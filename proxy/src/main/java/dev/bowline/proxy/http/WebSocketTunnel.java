package dev.bowline.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The raw byte relay of an upgraded (WebSocket) HTTP/1.1 exchange once the upstream answered
 * {@code 101}: one handler at the end of each connection's pipeline (HTTP codecs gone downstream,
 * passing bytes through upstream) copies what one side reads to the other. Backpressure: a side
 * stops reading while the other cannot take more writes and resumes when it can. Either side
 * closing (or failing) closes the other once what was already written is flushed; then the
 * exchange is told, once.
 *
 * <p><b>Threading.</b> Both connections live on the same event loop; everything runs there.
 */
final class WebSocketTunnel {

  /** Hears the tunnel's traffic and its end. */
  interface Listener {
    void downstreamBytes(int n);

    void upstreamBytes(int n);

    void tunnelClosed();
  }

  private final Channel downstream;
  private final Channel upstream;
  private final Listener listener;
  private boolean closed;

  WebSocketTunnel(Channel downstream, Channel upstream, Listener listener) {
    this.downstream = downstream;
    this.upstream = upstream;
    this.listener = listener;
  }

  /** The handler for the downstream (client) connection. */
  ChannelInboundHandlerAdapter downstreamSide() {
    return new Side(true);
  }

  /** The handler for the upstream connection. */
  ChannelInboundHandlerAdapter upstreamSide() {
    return new Side(false);
  }

  /** Starts reading both ways (each side only while the other is writable). */
  void start() {
    downstream.config().setAutoRead(upstream.isWritable());
    upstream.config().setAutoRead(downstream.isWritable());
    if (!downstream.isActive() || !upstream.isActive()) {
      close();
    }
  }

  private void close() {
    if (closed) {
      return;
    }
    closed = true;
    downstream.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    upstream.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    listener.tunnelClosed();
  }

  private final class Side extends ChannelInboundHandlerAdapter {

    private final boolean fromDownstream;

    Side(boolean fromDownstream) {
      this.fromDownstream = fromDownstream;
    }

    private Channel peer() {
      return fromDownstream ? upstream : downstream;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (closed || !(msg instanceof ByteBuf buf)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      int n = buf.readableBytes();
      if (fromDownstream) {
        listener.downstreamBytes(n);
      } else {
        listener.upstreamBytes(n);
      }
      Channel peer = peer();
      peer.write(buf, peer.voidPromise());
      if (!peer.isWritable()) {
        // Pause first: the flush may drain the peer and resume reading at once.
        ctx.channel().config().setAutoRead(false);
        peer.flush();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (!closed) {
        peer().flush();
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (!closed) {
        // This side can take more (or no more): the peer reads accordingly.
        peer().config().setAutoRead(ctx.channel().isWritable());
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      // Drain events and the like: a tunnel runs until either side closes.
      ReferenceCountUtil.release(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      close();
    }
  }
}
