package dev.bowline.proxy.http;

import dev.bowline.proxy.http.hardening.GuardLocalReply;
import dev.bowline.proxy.http.hardening.Http1Hardening;
import dev.bowline.proxy.http2.StreamReading;
import dev.bowline.proxy.timer.DeadlineTimer;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * The proxy side of one downstream HTTP/1.1 connection: runs its requests one at a time, in order
 * (pipelined requests wait their turn with reading paused), and controls reading for
 * backpressure: the connection reads only while the current request's upstream can take more.
 *
 * <p>HTTP/2 streams run the same exchange through {@link Http2StreamDownstream}.
 *
 * <p><b>Half-close.</b> A client may shut down its side after its last request (HTTP/1.0 tools,
 * {@code wget} from BusyBox) and still wait for the answer: the connection is opened with half
 * closure allowed, so the end of input arrives as an event; what was received is answered, then
 * the connection closes. A request whose body the end of input cuts short is aborted (downstream
 * terminated). This is nginx's behavior; Envoy instead closes at once.
 *
 * <p><b>Threading.</b> One instance per connection, confined to its event loop.
 */
public final class Http1ServerConnection extends ChannelDuplexHandler implements Downstream {

  private final HttpConnectionManager manager;
  private final Http1ConnectionTimers timers;
  private final String scheme;
  private final ArrayDeque<Object> waiting = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private Http1Exchange current;
  private boolean currentRequestComplete = true;
  private boolean closing;
  private boolean inputShutdown;
  private DeadlineTimer routeTimer;

  /**
   * @param manager the connection manager of the filter chain that took the connection
   * @param scheme {@code https} on a TLS connection, else {@code http}
   */
  public Http1ServerConnection(HttpConnectionManager manager, String scheme) {
    this(manager, scheme, null);
  }

  /** An HTTP/1 connection whose slow-client timers are told when requests start and end. */
  Http1ServerConnection(HttpConnectionManager manager, String scheme, Http1ConnectionTimers timers) {
    this.manager = manager;
    this.scheme = scheme;
    this.timers = timers;
  }

  @Override
  public String scheme() {
    return scheme;
  }

  @Override
  public boolean isHttp2() {
    return false;
  }

  @Override
  public Channel connection() {
    return ctx.channel();
  }

  @Override
  public EventLoop eventLoop() {
    return ctx.channel().eventLoop();
  }

  @Override
  public boolean closesAfterExchange() {
    return (inputShutdown && waiting.isEmpty()) || manager.isDraining();
  }

  /** The route timeout of the exchanges on this connection, one at a time. */
  @Override
  public DeadlineTimer routeTimer() {
    return routeTimer;
  }

  @Override
  public void write(HttpObject msg) {
    ctx.write(msg);
  }

  @Override
  public ChannelFuture writeAndFlush(HttpObject msg) {
    return ctx.writeAndFlush(msg);
  }

  @Override
  public void flush() {
    ctx.flush();
  }

  @Override
  public void close() {
    ctx.close();
  }

  @Override
  public boolean isWritable() {
    return ctx.channel().isWritable();
  }

  /**
   * Downstream, the slow-client timers, the HTTP codec, the guard and this handler leave the
   * pipeline (the codec hands on any bytes it had buffered, to the tunnel); a tunnel ends with
   * either side's close.
   */
  @Override
  public void becomeTunnel(ChannelHandler tunnelSide) {
    Channel down = ctx.channel();
    down.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
    ChannelPipeline p = down.pipeline();
    p.addLast("bowline-tunnel", tunnelSide);
    if (p.get(Http1ConnectionTimers.NAME) != null) {
      p.remove(Http1ConnectionTimers.NAME);
    }
    if (p.get(Http1Hardening.GUARD_NAME) != null) {
      p.remove(Http1Hardening.GUARD_NAME);
    }
    p.remove(this);
    if (p.get(Http1Hardening.CODEC_NAME) != null) {
      // Last: bytes the decoder still holds are handed on, to the tunnel.
      p.remove(Http1Hardening.CODEC_NAME);
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.routeTimer = new DeadlineTimer(ctx.executor());
    manager.stats().connections.increment();
  }

  /** Removed when the connection becomes a WebSocket tunnel: nothing held may leak. */
  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    closing = true;
    current = null;
    routeTimer.close();
    releaseWaiting();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (closing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (current != null && (msg instanceof HttpRequest || currentRequestComplete)) {
      // A pipelined request (or its body) while one is in flight: hold it.
      waiting.add(msg);
      pauseReading();
      return;
    }
    dispatch(msg);
  }

  private void dispatch(Object msg) {
    if (msg instanceof HttpRequest request) {
      if (timers != null) {
        timers.requestHeadReceived();
      }
      current = new Http1Exchange(this, manager, request);
      currentRequestComplete = msg instanceof LastHttpContent;
      current.start();
      if (msg instanceof HttpContent content && current != null) {
        current.onRequestContent(content);
      }
      return;
    }
    if (msg instanceof HttpContent content) {
      if (content instanceof LastHttpContent) {
        currentRequestComplete = true;
      }
      if (current != null) {
        current.onRequestContent(content);
      } else {
        content.release();
      }
      return;
    }
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (current != null) {
      current.flushUpstream();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void exchangeFinished(Http1Exchange exchange, boolean close) {
    if (exchange != current) {
      return;
    }
    current = null;
    if (timers != null && waiting.isEmpty()) {
      timers.requestsDone();
    }
    if (close) {
      closing = true;
      releaseWaiting();
      return;
    }
    if (!currentRequestComplete) {
      // The response finished before the request body did: read and drop the rest of it.
      resumeReading();
      return;
    }
    Object next;
    while (current == null && (next = waiting.poll()) != null) {
      dispatch(next);
    }
    while (current != null && !waiting.isEmpty() && !(waiting.peek() instanceof HttpRequest)) {
      dispatch(waiting.poll());
    }
    if (inputShutdown) {
      endAfterInputShutdown();
    } else if (current == null || waiting.isEmpty()) {
      resumeReading();
    }
  }

  /**
   * The client's input has ended: close once nothing received is left to answer, or at once if
   * the request in flight can no longer be completed.
   */
  private void endAfterInputShutdown() {
    if (closing || !waiting.isEmpty()) {
      return;
    }
    if (current == null) {
      closing = true;
      // After the last response's bytes: the empty buffer passes the encoder untouched.
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    } else if (!currentRequestComplete) {
      closing = true;
      current.onDownstreamClosed();
      ctx.close();
    }
  }

  @Override
  public void pauseReading() {
    StreamReading.pause(ctx.channel());
  }

  @Override
  public void resumeReading() {
    if (!closing && waiting.isEmpty()) {
      StreamReading.resume(ctx.channel());
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (current != null) {
      current.onDownstreamWritabilityChanged(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    routeTimer.close();
    if (current != null) {
      current.onDownstreamClosed();
    }
    releaseWaiting();
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof GuardLocalReply) {
      // The guard refused a request and answers it itself; it also closes the connection.
      manager.stats().rejected.increment();
      closing = true;
      if (current != null && ((GuardLocalReply) evt).abortsForwardedRequest()) {
        current.onDownstreamClosed();
      }
      return;
    }
    if (evt instanceof ChannelInputShutdownEvent) {
      inputShutdown = true;
      endAfterInputShutdown();
      return;
    }
    if (evt instanceof DrainEvent && current == null) {
      // Idle keep-alive connection: nothing to finish.
      closing = true;
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  private void releaseWaiting() {
    Object msg;
    while ((msg = waiting.poll()) != null) {
      ReferenceCountUtil.release(msg);
    }
  }
}
