package dev.bowline.proxy.upstream;

import dev.bowline.proxy.timer.DeadlineTimer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * One pooled HTTP/1.1 connection to an upstream host, or one HTTP/2 stream on a multiplexed
 * connection: the last handler of its pipeline, which hands what arrives to the request bound to
 * it and returns the connection to its owner when a response completes on a connection that may be
 * reused. For a stream, {@link #channel()} is the stream channel: closing it resets the stream
 * (RST_STREAM CANCEL) if it is still open, and it carries exactly one request.
 *
 * <p><b>Threading.</b> Confined to the connection's event loop.
 */
public final class UpstreamConnection extends ChannelDuplexHandler {

  /** Whoever hands the connection out: takes it back and hears when it closes. */
  interface Owner {
    /** A request and its response completed; {@code keepAlive} if the response allows reuse. */
    void release(UpstreamConnection connection, boolean keepAlive);

    /** The connection (or stream) closed. */
    void closed(UpstreamConnection connection);
  }

  private final Owner pool;
  private final ClusterHost host;
  private Channel channel;
  private UpstreamListener listener;
  private boolean keepAlive;
  private boolean requestComplete;
  private boolean responseComplete;
  private int requests;
  private boolean tunnel;
  private final Runnable closeIdle = () -> channel.close();
  private DeadlineTimer idleTimer;

  UpstreamConnection(Owner pool, ClusterHost host) {
    this.pool = pool;
    this.host = host;
  }

  /** The host this connection goes to. */
  public ClusterHost host() {
    return host;
  }

  /** The channel; writes go through it. */
  public Channel channel() {
    return channel;
  }

  /** Whether the connection can take a new request now. */
  boolean isReusable() {
    return channel != null && channel.isActive() && listener == null;
  }

  /** Back in the pool: closes the connection once it has been idle for {@code nanos}, unless taken first. */
  void closeWhenIdleFor(long nanos) {
    if (idleTimer == null) {
      idleTimer = new DeadlineTimer(channel.eventLoop());
    }
    idleTimer.set(nanos, closeIdle);
  }

  /** Taken from the pool: the idle countdown stops (its queued task stays, and finds nothing to do). */
  void stopIdleCountdown() {
    if (idleTimer != null) {
      idleTimer.clear();
    }
  }

  /** How many requests this connection has carried. */
  int requests() {
    return requests;
  }

  /**
   * Binds the next request's listener. The caller then writes the request to {@link #channel()}
   * and calls {@link #requestSent()} after its last content.
   */
  public void bind(UpstreamListener requestListener) {
    this.listener = requestListener;
    this.keepAlive = true;
    this.requestComplete = false;
    this.responseComplete = false;
    requests++;
  }

  /** The request's last byte has been written. */
  public void requestSent() {
    requestComplete = true;
    maybeRelease();
  }

  /**
   * The request is abandoned before its response completed (downstream reset, timeout): the
   * connection cannot be reused and is closed.
   */
  public void abandon() {
    listener = null;
    if (channel != null) {
      channel.close();
    }
  }

  /**
   * Turns this HTTP/1.1 connection into a raw byte tunnel after a {@code 101 Switching Protocols}
   * (WebSocket): the request's listener is let go, the connection is never handed back to its pool,
   * the HTTP encoder passes bytes through (the decoder already does after a 101 to a non-HTTP
   * protocol), and every later byte, read-complete, writability change and the close go on to
   * {@code relay}, added after this handler. Call from {@link UpstreamListener#onResponseHead}.
   */
  public void startTunnel(ChannelHandler relay) {
    tunnel = true;
    listener = null;
    keepAlive = false;
    ChannelHandler codec = channel.pipeline().get(Http1ConnectionPool.CODEC_HANDLER);
    if (codec instanceof Http1ClientCodec client) {
      client.passThrough();
    }
    channel.pipeline().addLast("bowline-tunnel", relay);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (tunnel) {
      if (msg instanceof HttpContent content && content.content().isReadable()) {
        // A 101 the decoder took to have a body (no Sec-WebSocket-Accept): its bytes are the tunnel's.
        ctx.fireChannelRead(content.content().retain());
        content.release();
      } else if (msg instanceof HttpObject) {
        // The end of the 101 response: the relay wants bytes only.
        ReferenceCountUtil.release(msg);
      } else {
        ctx.fireChannelRead(msg);
      }
      return;
    }
    UpstreamListener l = listener;
    if (l == null) {
      // Nothing asked for this (an unsolicited response): the connection is unusable.
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    if (msg instanceof HttpResponse response) {
      int code = response.status().code();
      if (code >= 100 && code < 200 && code != HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
        ReferenceCountUtil.release(msg);
        return;
      }
      // A connection that switched protocols never carries another HTTP request.
      keepAlive = HttpUtil.isKeepAlive(response) && code != HttpResponseStatus.SWITCHING_PROTOCOLS.code();
      l.onResponseHead(response);
      if (tunnel) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (msg instanceof HttpContent) {
        deliverContent((HttpContent) msg);
      }
      return;
    }
    if (msg instanceof HttpContent content) {
      deliverContent(content);
      return;
    }
    ReferenceCountUtil.release(msg);
  }

  private void deliverContent(HttpContent content) {
    UpstreamListener l = listener;
    if (l == null) {
      // The request let go of the connection while reading the head (a retry): nothing to hand on.
      content.release();
      return;
    }
    boolean last = content instanceof LastHttpContent;
    if (last) {
      responseComplete = true;
    }
    l.onResponseContent(content);
    if (last) {
      maybeRelease();
    }
  }

  private void maybeRelease() {
    if (requestComplete && responseComplete && listener != null) {
      listener = null;
      pool.release(this, keepAlive);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    UpstreamListener l = listener;
    if (l != null) {
      l.onUpstreamWritabilityChanged(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (!(evt instanceof Http2ResetFrame reset)) {
      ctx.fireUserEventTriggered(evt);
      return;
    }
    // The upstream reset the stream (RST_STREAM); the stream channel closes right after.
    UpstreamListener l = listener;
    listener = null;
    if (l != null && !responseComplete) {
      Http2Error error = Http2Error.valueOf(reset.errorCode());
      l.onUpstreamReset(
          error == Http2Error.REFUSED_STREAM
              ? UpstreamResetReason.REFUSED_STREAM
              : UpstreamResetReason.REMOTE_RESET,
          "remote reset (" + (error == null ? Long.toString(reset.errorCode()) : error.name()) + ")");
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (idleTimer != null) {
      idleTimer.close();
    }
    UpstreamListener l = listener;
    listener = null;
    if (l != null && !responseComplete) {
      l.onUpstreamReset(UpstreamResetReason.CONNECTION_TERMINATION, "connection termination");
    }
    pool.closed(this);
    if (tunnel) {
      ctx.fireChannelInactive();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    UpstreamListener l = listener;
    listener = null;
    if (l != null && !responseComplete) {
      l.onUpstreamReset(
          UpstreamResetReason.PROTOCOL_ERROR, "protocol error: " + cause.getClass().getSimpleName());
    }
    ctx.close();
  }
}
