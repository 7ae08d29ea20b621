package dev.bowline.proxy.http2;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A frame-level HTTP/2 client on Netty for hardening tests: it writes whatever frames a test asks
 * for (no connection state, so it can break the rules a real client's codec enforces) and records
 * every frame the server sends.
 */
final class RawH2Client implements AutoCloseable {

  /** A frame received: its type, stream, and the numbers that matter for that type. */
  record Frame(String type, int streamId, long code, Map<String, String> headers, boolean endStream) {}

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter();
  final Queue<Frame> received = new ConcurrentLinkedQueue<>();
  private final Channel channel;
  private ChannelHandlerContext ctx;

  RawH2Client(int port, Http2Settings settings) throws InterruptedException {
    channel =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new FrameDecoder()).addLast(new Writer());
                  }
                })
            .connect("127.0.0.1", port)
            .sync()
            .channel();
    run(
        (c, w) -> {
          c.write(Http2CodecUtil.connectionPrefaceBuf());
          w.writeSettings(c, settings, c.newPromise());
        });
  }

  /** Runs {@code action} on the event loop with the writer, then flushes. */
  void run(BiConsumer<ChannelHandlerContext, DefaultHttp2FrameWriter> action) throws InterruptedException {
    channel
        .eventLoop()
        .submit(
            () -> {
              action.accept(ctx, writer);
              ctx.flush();
            })
        .sync();
  }

  /** A request head: GET {@code path} on this authority. */
  static Http2Headers get(String path) {
    return new DefaultHttp2Headers().method("GET").scheme("http").authority("proxy.test").path(path);
  }

  boolean isOpen() {
    return channel.isActive();
  }

  List<Frame> frames(String type) {
    return received.stream().filter(f -> f.type().equals(type)).toList();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private final class Writer extends ChannelInboundHandlerAdapter {
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      RawH2Client.this.ctx = ctx;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // A reset after the server's GOAWAY is expected in these tests.
      ctx.close();
    }
  }

  private final class FrameDecoder extends ByteToMessageDecoder {
    private final DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader(true);
    private final Recorder recorder = new Recorder();

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
      reader.readFrame(ctx, in, recorder);
    }

    @Override
    public void handlerRemoved0(ChannelHandlerContext ctx) {
      reader.close();
    }
  }

  private final class Recorder extends Http2FrameAdapter {
    @Override
    public void onSettingsRead(ChannelHandlerContext c, Http2Settings settings) {
      Map<String, String> values = new java.util.TreeMap<>();
      settings.forEach((k, v) -> values.put(Integer.toString(k), Long.toString(v)));
      received.add(new Frame("SETTINGS", 0, 0, values, false));
      // Acknowledge on the writer's side of the pipeline.
      writer.writeSettingsAck(ctx, ctx.newPromise());
      ctx.flush();
    }

    @Override
    public void onHeadersRead(
        ChannelHandlerContext c, int streamId, Http2Headers headers, int padding, boolean endStream) {
      Map<String, String> values = new java.util.TreeMap<>();
      headers.forEach(e -> values.put(e.getKey().toString(), e.getValue().toString()));
      received.add(new Frame("HEADERS", streamId, 0, values, endStream));
    }

    @Override
    public void onHeadersRead(
        ChannelHandlerContext c,
        int streamId,
        Http2Headers headers,
        int streamDependency,
        short weight,
        boolean exclusive,
        int padding,
        boolean endStream) {
      onHeadersRead(c, streamId, headers, padding, endStream);
    }

    @Override
    public int onDataRead(ChannelHandlerContext c, int streamId, ByteBuf data, int padding, boolean endOfStream) {
      received.add(new Frame("DATA", streamId, data.readableBytes(), Map.of(), endOfStream));
      return data.readableBytes() + padding;
    }

    @Override
    public void onRstStreamRead(ChannelHandlerContext c, int streamId, long errorCode) {
      received.add(new Frame("RST_STREAM", streamId, errorCode, Map.of(), false));
    }

    @Override
    public void onGoAwayRead(ChannelHandlerContext c, int lastStreamId, long errorCode, ByteBuf debugData) {
      received.add(
          new Frame("GOAWAY", lastStreamId, errorCode, Map.of("debug", ByteBufUtil.hexDump(debugData)), false));
    }

    @Override
    public void onWindowUpdateRead(ChannelHandlerContext c, int streamId, int windowSizeIncrement) {
      received.add(new Frame("WINDOW_UPDATE", streamId, windowSizeIncrement, Map.of(), false));
    }
  }
}
