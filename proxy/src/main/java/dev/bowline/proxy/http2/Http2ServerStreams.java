package dev.bowline.proxy.http2;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2FrameStreamEvent;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.codec.http2.Http2WindowUpdateFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Serves the streams of a downstream HTTP/2 connection without a channel per stream: sits right
 * after {@code Http2FrameCodec} and hands each stream's frames to its {@link ServerStream}, made on
 * the stream's first HEADERS frame, whose {@link ServerStream.Handler} comes from the data path.
 * This replaces Netty's {@code Http2MultiplexHandler}, whose child channels (a channel, a pipeline
 * and a registration per stream) cost about a sixth of the event loop under many small streams.
 *
 * <p>Connection frames (SETTINGS, PING, GOAWAY) and other events go on to the next handler. A
 * stream ends when the codec reports it closed, when its request is malformed ({@link
 * Http2FrameStreamException}: RST_STREAM with the error), or when the connection goes.
 *
 * <p><b>Threading.</b> One instance per connection (not sharable), on its event loop.
 */
public final class Http2ServerStreams extends ChannelInboundHandlerAdapter {

  /** Pipeline name used by the data path. */
  public static final String NAME = "bowline-h2-streams";

  /**
   * Whether the codec's remote flow controller lets a stream send more now. Called on the
   * connection's event loop.
   */
  @FunctionalInterface
  public interface StreamWritability {
    boolean isWritable(Http2FrameStream stream);
  }

  private final Function<ServerStream, ServerStream.Handler> handlers;
  private final Http2StreamGuard guard;
  private final StreamWritability writability;
  private final IntObjectMap<ServerStream> streams = new IntObjectHashMap<>();
  /** Streams that read something in the current read batch (few: reused, not reallocated). */
  private final List<ServerStream> readInBatch = new ArrayList<>();

  /**
   * @param handlers makes the data path's handler of each new stream
   * @param guard vets each request head
   * @param writability the codec's view of each stream's send window
   */
  public Http2ServerStreams(
      Function<ServerStream, ServerStream.Handler> handlers,
      Http2StreamGuard guard,
      StreamWritability writability) {
    this.handlers = Objects.requireNonNull(handlers, "handlers");
    this.guard = Objects.requireNonNull(guard, "guard");
    this.writability = Objects.requireNonNull(writability, "writability");
  }

  Http2StreamGuard guard() {
    return guard;
  }

  boolean isWritable(Http2FrameStream stream) {
    return writability.isWritable(stream);
  }

  /** The stream ended: it gets no more frames. */
  void forget(ServerStream stream) {
    streams.remove(stream.id());
  }

  /** The streams open now (for tests and diagnostics). */
  int openStreams() {
    return streams.size();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Http2StreamFrame frame) || frame.stream() == null) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (msg instanceof Http2WindowUpdateFrame) {
      return; // the codec's flow controller has acted on it
    }
    int id = frame.stream().id();
    ServerStream stream = streams.get(id);
    if (msg instanceof Http2ResetFrame) {
      if (stream != null) {
        stream.ended();
      }
      return;
    }
    if (stream == null) {
      if (!(msg instanceof Http2HeadersFrame)) {
        ReferenceCountUtil.release(msg); // a stream that ended here already
        return;
      }
      stream = new ServerStream(this, ctx, frame.stream());
      streams.put(id, stream);
      stream.handler(handlers.apply(stream));
    }
    if (readInBatch.isEmpty() || readInBatch.get(readInBatch.size() - 1) != stream) {
      readInBatch.add(stream);
    }
    stream.read(frame);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    for (int i = 0; i < readInBatch.size(); i++) {
      readInBatch.get(i).readComplete();
    }
    readInBatch.clear();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof Http2FrameStreamEvent event) {
      ServerStream stream = streams.get(event.stream().id());
      if (stream != null) {
        if (event.type() == Http2FrameStreamEvent.Type.Writability) {
          stream.writabilityChanged();
        } else if (event.stream().state() == Http2Stream.State.CLOSED) {
          stream.ended();
        }
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    for (ServerStream stream : openNow()) {
      stream.writabilityChanged();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    endAll();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    endAll();
  }

  private void endAll() {
    for (ServerStream stream : openNow()) {
      stream.ended();
    }
    readInBatch.clear();
  }

  /** The open streams, copied: telling one may end it (and so change the map). */
  private ServerStream[] openNow() {
    return streams.isEmpty() ? new ServerStream[0] : streams.values().toArray(new ServerStream[0]);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof Http2FrameStreamException e) {
      ServerStream stream = streams.get(e.stream().id());
      if (stream != null) {
        stream.reset(e.error());
      } else {
        ctx.writeAndFlush(new DefaultHttp2ResetFrame(e.error()).stream(e.stream()), ctx.voidPromise());
      }
      return;
    }
    ctx.fireExceptionCaught(cause);
  }
}
