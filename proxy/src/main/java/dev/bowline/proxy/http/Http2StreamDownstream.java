package dev.bowline.proxy.http;

import dev.bowline.proxy.http.hardening.GuardLocalReply;
import dev.bowline.proxy.http2.ServerStream;
import dev.bowline.proxy.timer.Deadline;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The data path's side of one downstream HTTP/2 stream: runs the stream's one request as an {@link
 * Http1Exchange}, exactly as an HTTP/1.1 connection runs its requests, and is that exchange's
 * {@link Downstream}. Reading pauses and resumes the stream's flow-control window, closing ends (or
 * resets) the stream, and the connection-level duties (connection counter, drain) belong to the
 * HTTP/2 connection ({@link Http2ServerConnection}).
 *
 * <p><b>Threading.</b> One instance per stream, confined to the connection's event loop.
 */
final class Http2StreamDownstream implements Downstream, ServerStream.Handler {

  private final HttpConnectionManager manager;
  private final ServerStream stream;
  private final String scheme;
  private Http1Exchange exchange;
  private boolean requestComplete;
  private boolean closed;
  private final Deadline routeTimer;

  /**
   * @param manager the connection manager of the filter chain that took the connection
   * @param stream the stream served
   * @param scheme {@code https} on a TLS connection, else {@code http}
   * @param routeTimer the stream's route timeout, a member of its connection's set
   */
  Http2StreamDownstream(
      HttpConnectionManager manager, ServerStream stream, String scheme, Deadline routeTimer) {
    this.manager = manager;
    this.stream = stream;
    this.scheme = scheme;
    this.routeTimer = routeTimer;
  }

  // ---- the stream's events

  @Override
  public void onHead(HttpRequest request) {
    exchange = new Http1Exchange(this, manager, request);
    exchange.start();
  }

  @Override
  public void onContent(HttpContent content) {
    if (content instanceof LastHttpContent) {
      requestComplete = true;
    }
    if (exchange != null) {
      exchange.onRequestContent(content);
    } else {
      content.release(); // the response is done already: the rest of the body is dropped
    }
  }

  @Override
  public void onReadComplete() {
    if (exchange != null) {
      exchange.flushUpstream();
    }
  }

  @Override
  public void onWritabilityChanged(boolean writable) {
    if (exchange != null) {
      exchange.onDownstreamWritabilityChanged(writable);
    }
  }

  @Override
  public void onRefused(GuardLocalReply reply) {
    manager.stats().rejected.increment();
  }

  @Override
  public void onClosed() {
    closed = true;
    routeTimer.close();
    if (exchange != null && !stream.bothSidesEnded()) {
      // Cut short. (With both sides ended, the codec closed the stream while the exchange was
      // writing its last content: it finishes on its own right after.)
      Http1Exchange ended = exchange;
      exchange = null;
      ended.onDownstreamClosed();
    }
  }

  // ---- Downstream, for the exchange

  @Override
  public Channel connection() {
    return stream.connection();
  }

  @Override
  public EventLoop eventLoop() {
    return stream.connection().eventLoop();
  }

  @Override
  public String scheme() {
    return scheme;
  }

  @Override
  public boolean isHttp2() {
    return true;
  }

  @Override
  public boolean closesAfterExchange() {
    return manager.isDraining();
  }

  @Override
  public Deadline routeTimer() {
    return routeTimer;
  }

  @Override
  public void pauseReading() {
    stream.pauseReading();
  }

  @Override
  public void resumeReading() {
    if (!closed) {
      stream.resumeReading();
    }
  }

  @Override
  public void exchangeFinished(Http1Exchange finished, boolean close) {
    if (finished != exchange) {
      return;
    }
    exchange = null;
    if (!close && !requestComplete) {
      // The response finished before the request body did: read and drop the rest of it.
      resumeReading();
    }
  }

  @Override
  public void write(HttpObject msg) {
    stream.write(msg);
  }

  @Override
  public ChannelFuture writeAndFlush(HttpObject msg) {
    return stream.writeAndFlush(msg);
  }

  @Override
  public void flush() {
    stream.flush();
  }

  @Override
  public void close() {
    stream.close();
  }

  @Override
  public boolean isWritable() {
    return stream.isWritable();
  }

  @Override
  public void becomeTunnel(ChannelHandler tunnelSide) {
    throw new UnsupportedOperationException("an HTTP/2 stream cannot become a tunnel");
  }
}
