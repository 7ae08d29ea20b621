package dev.bowline.proxy.http;

import dev.bowline.proxy.route.RetryPolicy;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;

/**
 * What the router decided for one request, in the terms the HTTP data path acts on.
 *
 * <p>Immutable; made on the request's event loop.
 */
sealed interface RouteDecision {

  /** Applies header changes to a request or a response head. */
  @FunctionalInterface
  interface HeaderEdits {
    HeaderEdits NONE = headers -> {};

    void apply(HttpHeaders headers);
  }

  /** No virtual host or route matched: 404, flag NR. */
  record NoRoute() implements RouteDecision {}

  /**
   * Send the request upstream.
   *
   * @param cluster the cluster name
   * @param path the path (with query) to send, after rewrites
   * @param authority the Host to send, after rewrites
   * @param timeout the route timeout; zero disables
   * @param requestEdits header changes for the upstream request
   * @param responseEdits header changes for the downstream response
   * @param retryPolicy the route's retry policy, or {@code null} when it has none
   */
  record Forward(
      String cluster,
      String path,
      String authority,
      Duration timeout,
      HeaderEdits requestEdits,
      HeaderEdits responseEdits,
      RetryPolicy retryPolicy)
      implements RouteDecision {}

  /**
   * Answer locally: a redirect or a direct response.
   *
   * @param status the status code
   * @param body the body, possibly empty
   * @param location the Location header for a redirect, or null
   * @param responseEdits header changes for the response
   */
  record Local(int status, byte[] body, String location, HeaderEdits responseEdits)
      implements RouteDecision {}
}
