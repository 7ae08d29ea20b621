package dev.bowline.proxy.http;

import dev.bowline.proxy.filter.ratelimit.RateLimiterStore;

/**
 * Where the connections of one HTTP connection manager find the route table, as Envoy's route
 * config provider: every version of a listener's filter chain shares the slot, so a route change
 * (an RDS update) applies to the next request of every connection, including keep-alive
 * connections accepted under the previous version. A route table only reaches the slot when its
 * configuration is committed ({@link HttpConnectionManager#publishRoutes()}). The slot also keeps
 * the local rate limiters of the committed version, so that a new version reuses the buckets of
 * unchanged rate limits instead of refilling them.
 *
 * <p>Thread-safe: published by the control thread, read per request on the event loops.
 */
public final class RouteSlot {

  private volatile HttpRouter router;
  private final RateLimiterStore rateLimiters = new RateLimiterStore();

  /** An empty slot; it is filled when the first configuration using it is committed. */
  public RouteSlot() {}

  HttpRouter router() {
    return router;
  }

  void publish(HttpRouter next) {
    router = next;
  }

  /** The local rate limiters of the committed version, for the next to reuse. */
  RateLimiterStore rateLimiters() {
    return rateLimiters;
  }
}
