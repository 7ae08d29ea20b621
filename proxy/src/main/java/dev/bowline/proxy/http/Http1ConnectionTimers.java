package dev.bowline.proxy.http;

import dev.bowline.proxy.timer.DeadlineTimer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The slow-client timers of one HTTP/1.1 connection, first in its pipeline: Envoy's
 * {@code request_headers_timeout} (from the first byte of a request to the end of its headers;
 * on expiry {@code 408} and close) and {@code idle_timeout} (a connection with no request in
 * flight is closed). The exchange tells it when a request head is complete and when a request is
 * done.
 *
 * <p><b>Threading.</b> One per connection, confined to its event loop.
 */
final class Http1ConnectionTimers extends ChannelInboundHandlerAdapter {

  static final String NAME = "bowline-http1-timers";

  private static final byte[] REQUEST_TIMEOUT =
      "HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII);

  private final long headersNanos;
  private final long idleNanos;
  private final Runnable headersTimedOut = this::headersTimedOut;
  private final Runnable idleTimedOut = this::idleTimedOut;
  private ChannelHandlerContext ctx;
  private boolean inRequest;
  private DeadlineTimer headersTimer;
  private DeadlineTimer idleTimer;

  Http1ConnectionTimers(Duration headersTimeout, Duration idleTimeout) {
    this.headersNanos = headersTimeout.toNanos();
    this.idleNanos = idleTimeout.toNanos();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.headersTimer = new DeadlineTimer(ctx.executor());
    this.idleTimer = new DeadlineTimer(ctx.executor());
    armIdle();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!inRequest && msg instanceof ByteBuf buf && buf.isReadable()) {
      idleTimer.clear();
      if (!headersTimer.isSet() && headersNanos > 0) {
        headersTimer.set(headersNanos, headersTimedOut);
      }
    }
    ctx.fireChannelRead(msg);
  }

  /** A request head is complete: the headers timer stops. */
  void requestHeadReceived() {
    inRequest = true;
    idleTimer.clear();
    headersTimer.clear();
  }

  /** No request is in flight any more: the idle timer starts. */
  void requestsDone() {
    inRequest = false;
    armIdle();
  }

  private void headersTimedOut() {
    if (!inRequest && ctx.channel().isActive()) {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(REQUEST_TIMEOUT)).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void idleTimedOut() {
    ctx.close();
  }

  private void armIdle() {
    if (idleNanos > 0) {
      idleTimer.set(idleNanos, idleTimedOut);
    } else {
      idleTimer.clear();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelTimers();
    ctx.fireChannelInactive();
  }

  /** Removed when the connection becomes a WebSocket tunnel: no timer may fire afterwards. */
  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelTimers();
  }

  private void cancelTimers() {
    if (idleTimer != null) {
      idleTimer.close();
      headersTimer.close();
    }
  }
}
