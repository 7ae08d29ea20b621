package dev.bowline.proxy.http;

import dev.bowline.proxy.route.HashPolicy;
import dev.bowline.proxy.route.MirrorPolicy;
import dev.bowline.proxy.route.RetryPolicy;
import dev.bowline.proxy.route.RouteFilterConfig;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.List;

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

  /**
   * The matched route's settings for the built-in filters (fault, CORS, local rate limit); {@link
   * RouteFilterConfig#NONE} when it has none, and for {@link NoRoute}.
   */
  default RouteFilterConfig routeFilters() {
    return RouteFilterConfig.NONE;
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
   * @param hashPolicy how the key for a hashing balancer is computed ({@link HashPolicy#NONE})
   * @param mirrorPolicies where copies of the request go (usually none)
   * @param routeFilters the route's settings for the built-in filters
   */
  record Forward(
      String cluster,
      String path,
      String authority,
      Duration timeout,
      HeaderEdits requestEdits,
      HeaderEdits responseEdits,
      RetryPolicy retryPolicy,
      HashPolicy hashPolicy,
      List<MirrorPolicy> mirrorPolicies,
      RouteFilterConfig routeFilters)
      implements RouteDecision {}

  /**
   * Answer locally: a redirect or a direct response.
   *
   * @param status the status code
   * @param body the body, possibly empty
   * @param location the Location header for a redirect, or null
   * @param responseEdits header changes for the response
   * @param routeFilters the route's settings for the built-in filters
   */
  record Local(
      int status,
      byte[] body,
      String location,
      HeaderEdits responseEdits,
      RouteFilterConfig routeFilters)
      implements RouteDecision {}
}
