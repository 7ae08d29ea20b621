package dev.bowline.proxy.http;

import dev.bowline.proxy.timer.Deadline;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpObject;

/**
 * Where an {@link Http1Exchange}'s request comes from and its response goes: an HTTP/1.1
 * connection ({@link Http1ServerConnection}, one exchange at a time) or one HTTP/2 stream ({@link
 * Http2StreamDownstream}, one exchange). The exchange writes HTTP/1-shaped messages (a head,
 * contents, a last content with trailers, or a full response); the downstream frames them for its
 * protocol.
 *
 * <p><b>Threading.</b> Confined to the downstream connection's event loop; every method is called
 * there.
 */
interface Downstream {

  /** The downstream connection (TCP, or TLS over it): addresses, peer identity, buffer limit. */
  Channel connection();

  /** The connection's event loop, which the exchange's upstream connections share. */
  EventLoop eventLoop();

  /** {@code https} on a TLS connection, else {@code http}. */
  String scheme();

  /** Whether the request came on an HTTP/2 stream (else HTTP/1.x). */
  boolean isHttp2();

  /**
   * Whether the connection closes once the current exchange is done: the listener drains, or the
   * client's input ended and nothing received is left to answer.
   */
  boolean closesAfterExchange();

  /** The route timeout of the exchange. */
  Deadline routeTimer();

  /** Stops reading the request body (backpressure: the upstream cannot take more yet). */
  void pauseReading();

  /** Reads the request body again. */
  void resumeReading();

  /** The exchange's response is complete (or it failed); {@code close} ends the connection. */
  void exchangeFinished(Http1Exchange exchange, boolean close);

  /** Writes a response message without flushing it; the message changes hands. */
  void write(HttpObject msg);

  /** Writes a response message and flushes; the future tells whether it was written. */
  ChannelFuture writeAndFlush(HttpObject msg);

  /** Flushes what was written. */
  void flush();

  /**
   * Closes the connection, or ends the stream (with RST_STREAM CANCEL when either side of it is
   * still open).
   */
  void close();

  /** Whether the response side can take more now (else the upstream's reading pauses). */
  boolean isWritable();

  /**
   * Makes the connection a raw byte tunnel after an accepted upgrade (WebSocket, HTTP/1.1 only):
   * the HTTP handlers leave and {@code tunnelSide} takes their place.
   *
   * @throws UnsupportedOperationException on an HTTP/2 stream
   */
  void becomeTunnel(io.netty.channel.ChannelHandler tunnelSide);
}
