package dev.bowline.proxy.http2;

import dev.bowline.proxy.http.hardening.GuardLocalReply;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * One stream of a downstream HTTP/2 connection, served without a channel of its own: its frames
 * arrive from {@link Http2ServerStreams}, are translated ({@link StreamTranslator}) and vetted
 * ({@link Http2StreamGuard}), and reach the data path's {@link Handler} as a request head, contents
 * and a last content; the data path writes its response here as HTTP/1-shaped messages, which go
 * out as frames of this stream on the connection.
 *
 * <p><b>Flow control.</b> The bytes of a DATA frame are given back to the client (WINDOW_UPDATE,
 * through the codec's local flow controller) once the frame has been handed over while reading is
 * on. While reading is paused, arriving frames wait here and their bytes are not given back, so a
 * paused stream holds at most its window.
 *
 * <p><b>End.</b> The stream ends when the codec closes it (both sides ended, or a reset either way),
 * when the connection goes, or on {@link #close()}, which resets it (RST_STREAM CANCEL) unless both
 * sides have ended. The handler hears of the end once, through {@link Handler#onClosed()}; writes
 * after it fail.
 *
 * <p><b>Threading.</b> Confined to the connection's event loop.
 */
public final class ServerStream {

  /**
   * The data path's side of one stream, made by the factory given to {@link Http2ServerStreams}.
   *
   * <p><b>Threading.</b> Called on the connection's event loop only.
   */
  public interface Handler {

    /** The request head, vetted. Its contents follow, ending with a {@link LastHttpContent}. */
    void onHead(HttpRequest request);

    /** A piece of the request body, or its end with trailers; the content changes hands. */
    void onContent(HttpContent content);

    /** The connection's read of this batch is over: flush what was written because of it. */
    void onReadComplete();

    /** The stream (with its connection) can take more response bytes, or cannot any more. */
    void onWritabilityChanged(boolean writable);

    /**
     * The guard refused the request and answers it itself (the handler gets no head, only this,
     * for counting and logging).
     */
    void onRefused(GuardLocalReply reply);

    /** The stream ended (see the class comment); called once. */
    void onClosed();
  }

  private final Http2ServerStreams connection;
  private final ChannelHandlerContext ctx;
  private final Http2FrameStream stream;
  private final StreamTranslator translator = new StreamTranslator(true);
  private final Consumer<Object> translated = this::translated;
  private final StreamTranslator.FrameOutput frames;
  private Handler handler;
  private ArrayDeque<Http2StreamFrame> waiting;
  private int owedBytes;
  private boolean paused;
  private boolean refused;
  private boolean inputEnded;
  private boolean outputEnded;
  private boolean closed;

  ServerStream(Http2ServerStreams connection, ChannelHandlerContext ctx, Http2FrameStream stream) {
    this.connection = connection;
    this.ctx = ctx;
    this.stream = stream;
    this.frames = new Frames(ctx);
  }

  void handler(Handler handler) {
    this.handler = handler;
  }

  /** The stream's id. */
  public int id() {
    return stream.id();
  }

  /** Whether the request has ended and the response's end has been written. */
  public boolean bothSidesEnded() {
    return inputEnded && outputEnded;
  }

  /** The downstream connection the stream belongs to. */
  public Channel connection() {
    return ctx.channel();
  }

  // ---- inbound, from the connection

  /** A HEADERS or DATA frame of this stream; it changes hands. */
  void read(Http2StreamFrame frame) {
    if (closed) {
      ReferenceCountUtil.release(frame);
      return;
    }
    if (paused || (waiting != null && !waiting.isEmpty())) {
      if (waiting == null) {
        waiting = new ArrayDeque<>(4);
      }
      waiting.add(frame);
      return;
    }
    deliver(frame);
    giveBackOwedBytes();
  }

  private void deliver(Http2StreamFrame frame) {
    boolean endStream;
    if (frame instanceof Http2DataFrame data) {
      owedBytes += data.initialFlowControlledBytes();
      endStream = data.isEndStream();
    } else {
      endStream = frame instanceof Http2HeadersFrame headers && headers.isEndStream();
    }
    inputEnded |= endStream;
    try {
      translator.read(frame, translated);
    } catch (Http2Exception e) {
      // A malformed request (pseudo-headers wrong or missing): a stream error, as RFC 9113 says.
      reset(Http2Error.PROTOCOL_ERROR);
    }
  }

  private void translated(Object msg) {
    if (refused || closed) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest request) {
      Http2StreamGuard.Refusal refusal = connection.guard().vet(request);
      if (refusal == null) {
        handler.onHead(request);
      } else {
        refuse(refusal);
      }
    } else if (msg instanceof HttpContent content) {
      handler.onContent(content);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  private void refuse(Http2StreamGuard.Refusal refusal) {
    refused = true;
    handler.onRefused(refusal.reply());
    writeAndFlush(refusal.response()).addListener(f -> close());
  }

  /** The connection's read batch ended. */
  void readComplete() {
    if (!closed) {
      handler.onReadComplete();
    }
  }

  private void giveBackOwedBytes() {
    if (owedBytes > 0 && !closed) {
      int bytes = owedBytes;
      owedBytes = 0;
      ctx.write(new DefaultHttp2WindowUpdateFrame(bytes).stream(stream), ctx.voidPromise());
    }
  }

  /** Stops reading: frames wait here and their bytes are not given back. */
  public void pauseReading() {
    paused = true;
  }

  /**
   * Reads again: hands over the frames that waited, then {@link Handler#onReadComplete()} as after
   * a read, and gives their bytes back.
   */
  public void resumeReading() {
    if (!paused || closed) {
      return;
    }
    paused = false;
    boolean delivered = false;
    Http2StreamFrame next;
    while (!paused && !closed && waiting != null && (next = waiting.poll()) != null) {
      deliver(next);
      delivered = true;
    }
    if (delivered && !closed) {
      // What waited was a read batch of its own: the data path flushes what it wrote because of
      // it now, as after a read (nothing else would; the upstream's writability counts the bytes
      // written but not flushed, so they would hold it unwritable, and this stream paused, forever).
      handler.onReadComplete();
    }
    if (!paused) {
      giveBackOwedBytes();
      ctx.flush();
    }
  }

  // ---- outbound, from the data path

  /** Writes a response message (see {@link StreamTranslator}); the message changes hands. */
  public ChannelFuture write(HttpObject msg) {
    ChannelPromise promise = ctx.newPromise();
    if (closed) {
      ReferenceCountUtil.release(msg);
      return promise.setFailure(new ClosedChannelException());
    }
    translator.write(msg, promise, frames);
    return promise;
  }

  /** Writes a response message and flushes the connection. */
  public ChannelFuture writeAndFlush(HttpObject msg) {
    ChannelFuture written = write(msg);
    flush();
    return written;
  }

  /** Flushes what was written (a held response head goes out on its own). */
  public void flush() {
    if (!closed) {
      translator.writeHeld(frames);
    }
    ctx.flush();
  }

  /**
   * Whether the stream can take more response bytes now: its flow-control window towards the
   * client, and the connection's write buffer.
   */
  public boolean isWritable() {
    return !closed && ctx.channel().isWritable() && connection.isWritable(stream);
  }

  /** Ends the stream: RST_STREAM CANCEL unless both sides have ended, then {@link Handler#onClosed}. */
  public void close() {
    if (closed) {
      return;
    }
    if (!(inputEnded && outputEnded)) {
      reset(Http2Error.CANCEL);
    } else {
      ended();
    }
  }

  /** Resets the stream with {@code error} and ends it. */
  void reset(Http2Error error) {
    if (closed) {
      return;
    }
    if (ctx.channel().isActive()) {
      ctx.writeAndFlush(new DefaultHttp2ResetFrame(error).stream(stream), ctx.voidPromise());
    }
    ended();
  }

  /** The stream is over, whoever ended it: tells the handler once and drops what waited. */
  void ended() {
    if (closed) {
      return;
    }
    closed = true;
    connection.forget(this);
    translator.dropHeld();
    if (waiting != null) {
      Http2StreamFrame frame;
      while ((frame = waiting.poll()) != null) {
        ReferenceCountUtil.release(frame);
      }
    }
    if (handler != null) {
      handler.onClosed();
    }
  }

  /** The stream's window or the connection's writability changed. */
  void writabilityChanged() {
    if (!closed) {
      handler.onWritabilityChanged(isWritable());
    }
  }

  /** Writes this stream's frames on the connection, noting when one ends the stream. */
  private final class Frames extends StreamTranslator.ContextOutput {
    Frames(ChannelHandlerContext ctx) {
      super(ctx);
    }

    @Override
    public ChannelFuture write(Http2StreamFrame frame, ChannelPromise promise) {
      if (frame instanceof Http2HeadersFrame headers) {
        outputEnded |= headers.isEndStream();
      } else if (frame instanceof Http2DataFrame data) {
        outputEnded |= data.isEndStream();
      }
      return super.write(frame.stream(stream), promise);
    }
  }
}
