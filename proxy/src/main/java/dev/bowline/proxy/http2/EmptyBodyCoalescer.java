package dev.bowline.proxy.http2;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.Future;
import java.nio.channels.ClosedChannelException;

/**
 * The outbound counterpart of {@link FullMessageSplitter} on an HTTP/2 stream: a head followed by
 * an empty {@code LastHttpContent} without trailers is written as one full message, so the codec
 * sends a single HEADERS frame that ends the stream instead of HEADERS and an empty DATA frame.
 *
 * <p>That is more than tidiness for gRPC: a "Trailers-Only" response (an error status such as
 * {@code grpc-status: 5} in the only HEADERS frame) must end the stream on that frame, or gRPC
 * clients report an internal error instead of the status. Likewise a bodiless request (GET) goes
 * upstream as one HEADERS frame with END_STREAM.
 *
 * <p>A head is held back until the next write or flush: the next write decides (coalesce, or
 * write both in order), a flush writes it alone. Since the data path flushes a head together with
 * the first piece of body anyway, nothing is delayed on the wire. Full messages, informational
 * responses and anything that is not a head pass straight through.
 *
 * <p><b>Threading.</b> One instance per stream channel (not sharable), on its event loop.
 */
public final class EmptyBodyCoalescer extends ChannelOutboundHandlerAdapter {

  /** Pipeline name used by the data path. */
  public static final String NAME = "bowline-h2-empty-body-coalescer";

  private HttpMessage held;
  private ChannelPromise heldPromise;

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (held == null) {
      if (isHead(msg)) {
        held = (HttpMessage) msg;
        heldPromise = promise;
      } else {
        ctx.write(msg, promise);
      }
      return;
    }
    if (msg instanceof LastHttpContent last
        && !last.content().isReadable()
        && last.trailingHeaders().isEmpty()) {
      HttpMessage head = held;
      ChannelPromise headPromise = heldPromise;
      held = null;
      heldPromise = null;
      last.release();
      ChannelPromise both = ctx.newPromise();
      both.addListener(f -> {
        complete(headPromise, f);
        complete(promise, f);
      });
      ctx.write(full(head), both);
      return;
    }
    writeHeld(ctx);
    ctx.write(msg, promise);
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    writeHeld(ctx);
    ctx.flush();
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    writeHeld(ctx);
    ctx.close(promise);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    // Removed with the channel: a head holds no buffer, only its promise is left to settle.
    if (held != null) {
      ChannelPromise promise = heldPromise;
      held = null;
      heldPromise = null;
      if (!promise.isVoid()) {
        promise.tryFailure(new ClosedChannelException());
      }
    }
  }

  private void writeHeld(ChannelHandlerContext ctx) {
    if (held != null) {
      HttpMessage head = held;
      ChannelPromise promise = heldPromise;
      held = null;
      heldPromise = null;
      ctx.write(head, promise);
    }
  }

  private static boolean isHead(Object msg) {
    if (!(msg instanceof HttpMessage) || msg instanceof FullHttpMessage) {
      return false;
    }
    return !(msg instanceof HttpResponse response)
        || response.status().codeClass() != HttpStatusClass.INFORMATIONAL;
  }

  private static FullHttpMessage full(HttpMessage head) {
    if (head instanceof HttpRequest request) {
      return new DefaultFullHttpRequest(
          request.protocolVersion(),
          request.method(),
          request.uri(),
          Unpooled.EMPTY_BUFFER,
          request.headers(),
          DefaultHttpHeadersFactory.trailersFactory().newHeaders());
    }
    HttpResponse response = (HttpResponse) head;
    return new DefaultFullHttpResponse(
        response.protocolVersion(),
        response.status(),
        Unpooled.EMPTY_BUFFER,
        response.headers(),
        DefaultHttpHeadersFactory.trailersFactory().newHeaders());
  }

  private static void complete(ChannelPromise promise, Future<?> result) {
    if (promise.isVoid()) {
      return;
    }
    if (result.isSuccess()) {
      promise.trySuccess();
    } else {
      promise.tryFailure(result.cause());
    }
  }
}
