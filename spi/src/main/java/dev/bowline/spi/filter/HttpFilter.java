package dev.bowline.spi.filter;

/**
 * One filter of the proxy's HTTP filter chain. For each request the proxy calls
 * {@link #onRequest} on every filter in order, then routes, then calls {@link #onResponse} in
 * reverse order. Each hook returns a {@link FilterStatus}: continue to the next filter, stop
 * because the filter answered the request itself, or pause until the filter resumes the chain.
 *
 * <p><b>Threading.</b> One instance serves all requests concurrently. The hooks are called on the
 * request's event loop and must never block: a filter that needs I/O returns
 * {@link FilterStatus#PAUSE}, does the work elsewhere, and then calls
 * {@link HttpFilterCallbacks#resume()} or {@link HttpFilterCallbacks#sendLocalReply} from any
 * thread. Per-request state belongs in {@link HttpFilterCallbacks#attributes()}, not in fields.
 */
public interface HttpFilter {

  /** Called with the request headers before routing. The headers may be changed. */
  FilterStatus onRequest(HttpRequestHead request, HttpFilterCallbacks callbacks);

  /** Called with the response headers before they are sent downstream. They may be changed. */
  default FilterStatus onResponse(
      HttpRequestHead request, HttpResponseHead response, HttpFilterCallbacks callbacks) {
    return FilterStatus.CONTINUE;
  }
}
