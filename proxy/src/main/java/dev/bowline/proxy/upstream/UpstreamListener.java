package dev.bowline.proxy.upstream;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Receives what an upstream HTTP/1.1 connection delivers for the request currently bound to it.
 * Implemented by the downstream exchange.
 *
 * <p><b>Threading.</b> Every method is called on the connection's event loop, which is also the
 * downstream connection's.
 */
public interface UpstreamListener {

  /** The response head. Informational (1xx) responses other than 101 are not passed on. */
  void onResponseHead(HttpResponse response);

  /**
   * A piece of the body; the last one is a {@link io.netty.handler.codec.http.LastHttpContent}
   * with any trailers. Ownership passes to the listener, which must release it.
   */
  void onResponseContent(HttpContent content);

  /**
   * The connection failed or closed, or the stream was reset, before the response completed.
   *
   * @param reason what happened, as a retry policy tells it apart
   * @param detail the words for a local reply or a log, such as {@code connection termination}
   */
  void onUpstreamReset(UpstreamResetReason reason, String detail);

  /** The upstream connection can take more (true) or wants the writer to pause (false). */
  void onUpstreamWritabilityChanged(boolean writable);
}
