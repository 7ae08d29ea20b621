package dev.bowline.spi.filter;

import java.util.Map;

/**
 * The proxy's side of one request, handed to each filter hook.
 *
 * <p><b>Threading.</b> {@link #resume()} and {@link #sendLocalReply} may be called from any thread;
 * the proxy moves the work onto the request's event loop. Each paused hook must be answered by
 * exactly one of them; later calls are ignored. While its hook is paused, a filter may change the
 * request head from the thread that will call {@link #resume()}: the proxy does not touch the
 * request until then, and {@code resume()} publishes the changes to the event loop.
 * {@link #attributes()} is for the event loop only.
 */
public interface HttpFilterCallbacks {

  /** Continues the chain after a hook returned {@link FilterStatus#PAUSE}. */
  void resume();

  /**
   * Answers the request without routing it.
   *
   * @param status the HTTP status, such as 403
   * @param body the response body (UTF-8 text), possibly empty
   * @param headers extra response headers
   * @param responseFlag the Envoy-style response flag for access logs and metrics, such as
   *     {@code UAEX} or {@code RL}; empty for none
   */
  void sendLocalReply(int status, String body, Map<String, String> headers, String responseFlag);

  /**
   * Per-request values shared between filters (for example the verified peer identity under
   * {@code source.principal}). Mutable; lives as long as the request.
   */
  Map<String, Object> attributes();
}
