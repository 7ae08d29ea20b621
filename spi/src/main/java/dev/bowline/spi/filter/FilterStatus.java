package dev.bowline.spi.filter;

/** What the filter chain does after a filter's hook returns. */
public enum FilterStatus {
  /** Go on with the next filter (or the router). */
  CONTINUE,
  /**
   * The filter has answered the request with {@link HttpFilterCallbacks#sendLocalReply}; later
   * filters and the router do not run.
   */
  STOP,
  /**
   * Wait: the filter will call {@link HttpFilterCallbacks#resume()} or
   * {@link HttpFilterCallbacks#sendLocalReply} later, from any thread.
   */
  PAUSE
}
