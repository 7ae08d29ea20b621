package dev.bowline.spi.filter;

/**
 * The head of a request as the filter chain sees it: the request line, after path normalization,
 * and its headers.
 *
 * <p><b>Threading.</b> Not thread-safe: use only inside a filter hook, on the event loop.
 */
public interface HttpRequestHead {

  /** The method, such as {@code GET}. */
  String method();

  /** The scheme, {@code http} or {@code https}. */
  String scheme();

  /** The authority (Host), as the client sent it. */
  String authority();

  /** The normalized path with its query, such as {@code /reviews/1?x=y}. */
  String path();

  /** Replaces the path (with its query) before routing. */
  void setPath(String path);

  /** The headers, mutable. */
  HttpHeaders headers();
}
