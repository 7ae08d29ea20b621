package dev.bowline.proxy.http2;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * The handlers of an upstream HTTP/2 connection and of its streams, for the connection pool.
 *
 * <p><b>Connection</b> ({@link #addConnectionHandlers}): {@link FlushBatching} (the streams'
 * requests written in one socket write), a client {@link Http2FrameCodec} (server
 * push disabled, header values validated, a response header list of at most {@value
 * #MAX_HEADER_LIST_BYTES} bytes), an {@link Http2MultiplexHandler} that refuses server-initiated
 * streams, and a {@link ConnectionWindow} that raises the connection window to {@value
 * #CONNECTION_WINDOW_BYTES} bytes once the preface is out. Streams get {@value
 * #STREAM_WINDOW_BYTES} bytes of window each (Envoy's edge values), replenished only as the data
 * path consumes, so a stalled downstream holds at most that much of a response in the proxy.
 *
 * <p><b>Stream</b> ({@link #addStreamHandlers}): {@link Http2StreamCodec} (client side), then the
 * pool's handler, which writes an HTTP/1-shaped request (head, contents, last content
 * with trailers) and reads the response the same way.
 *
 * <p><b>Threading.</b> Stateless; each call makes fresh per-channel handlers.
 */
public final class Http2Upstream {

  /** The per-stream receive window announced to upstreams. */
  public static final int STREAM_WINDOW_BYTES = 65_536;

  /** The connection receive window raised to after the preface. */
  public static final int CONNECTION_WINDOW_BYTES = 1_048_576;

  /** The largest response header list accepted from an upstream. */
  public static final int MAX_HEADER_LIST_BYTES = 96 * 1024;

  /** Pipeline name of the frame codec on an upstream connection. */
  public static final String FRAME_CODEC = "bowline-upstream-h2-codec";

  private Http2Upstream() {}

  /**
   * Appends the connection handlers; the caller adds its own connection-level handler after them
   * (it receives the SETTINGS, PING and GOAWAY frames the multiplexer passes up and must release
   * them).
   *
   * @return the frame codec, whose {@code connection()} tells the peer's stream limit
   */
  public static Http2FrameCodec addConnectionHandlers(ChannelPipeline pipeline) {
    Http2FrameCodec codec =
        Http2FrameCodecBuilder.forClient()
            .initialSettings(
                new Http2Settings()
                    .pushEnabled(false)
                    .initialWindowSize(STREAM_WINDOW_BYTES)
                    .maxHeaderListSize(MAX_HEADER_LIST_BYTES))
            .validateHeaders(true)
            .build();
    pipeline.addLast(FlushBatching.NAME, FlushBatching.newHandler());
    pipeline.addLast(FRAME_CODEC, codec);
    pipeline.addLast("bowline-upstream-h2-multiplex", new Http2MultiplexHandler(RefuseStreams.INSTANCE));
    pipeline.addLast(ConnectionWindow.NAME, new ConnectionWindow(codec, CONNECTION_WINDOW_BYTES));
    return codec;
  }

  /** Appends the stream handlers, then {@code handler}, to a new stream channel's pipeline. */
  public static void addStreamHandlers(ChannelPipeline pipeline, String name, ChannelHandler handler) {
    pipeline
        .addLast(Http2StreamCodec.NAME, new Http2StreamCodec())
        .addLast(name, handler);
  }

  /** Closes (resets) any stream the upstream opens itself: push is disabled. */
  @ChannelHandler.Sharable
  private static final class RefuseStreams extends ChannelInboundHandlerAdapter {
    static final RefuseStreams INSTANCE = new RefuseStreams();

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.close();
    }
  }
}
