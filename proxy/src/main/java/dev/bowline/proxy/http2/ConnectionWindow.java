package dev.bowline.proxy.http2;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2LocalFlowController;

/**
 * Raises the connection-level receive window of an HTTP/2 connection to a target size (Envoy's
 * {@code initial_connection_window_size}) with a WINDOW_UPDATE on stream 0; SETTINGS can only set
 * the per-stream window, and the connection window starts at 65,535 bytes.
 *
 * <p>Add it right after the HTTP/2 codec. It acts once the codec has sent its preface (at once when
 * the channel is already active, else on {@code channelActive}) and then removes itself.
 *
 * <p><b>Threading.</b> One instance per connection (not sharable), on its event loop.
 */
public final class ConnectionWindow extends ChannelInboundHandlerAdapter {

  /** Pipeline name used by the data path. */
  public static final String NAME = "bowline-h2-connection-window";

  private final Http2ConnectionHandler codec;
  private final int targetBytes;

  /**
   * @param codec the connection's HTTP/2 codec, already in the pipeline before this handler
   * @param targetBytes the connection window to reach; a smaller or equal current window is left
   */
  public ConnectionWindow(Http2ConnectionHandler codec, int targetBytes) {
    this.codec = codec;
    this.targetBytes = targetBytes;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Http2Exception {
    if (ctx.channel().isActive()) {
      expand(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Http2Exception {
    ctx.fireChannelActive();
    expand(ctx);
  }

  private void expand(ChannelHandlerContext ctx) throws Http2Exception {
    Http2Connection connection = codec.connection();
    Http2LocalFlowController flow = connection.local().flowController();
    int delta = targetBytes - flow.initialWindowSize(connection.connectionStream());
    if (delta > 0) {
      flow.incrementWindowSize(connection.connectionStream(), delta);
      ctx.flush();
    }
    ctx.pipeline().remove(this);
  }
}
