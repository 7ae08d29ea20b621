package dev.bowline.spi.filter;

/**
 * The head of a response as the filter chain sees it.
 *
 * <p><b>Threading.</b> Not thread-safe: use only inside a filter hook, on the event loop.
 */
public interface HttpResponseHead {

  /** The status code. */
  int status();

  /** The headers, mutable. */
  HttpHeaders headers();
}
