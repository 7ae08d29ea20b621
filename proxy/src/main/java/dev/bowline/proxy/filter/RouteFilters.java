package dev.bowline.proxy.filter;

import dev.bowline.proxy.filter.cors.CorsConfig;
import dev.bowline.proxy.filter.fault.FaultConfig;
import dev.bowline.proxy.filter.ratelimit.LocalRateLimiter;
import dev.bowline.proxy.filter.ratelimit.RateLimitPolicy;
import dev.bowline.proxy.route.RouteFilterConfig;
import java.util.List;

/**
 * A route's settings for the built-in filters: its {@code typed_per_filter_config} for the fault
 * filter, CORS and the local rate limit (each null when the route has none), and its {@code
 * rate_limits}, which make the descriptors a local rate limit matches.
 *
 * <p>Immutable and thread-safe (the rate limiter's buckets are shared, lock-free state).
 */
public final class RouteFilters implements RouteFilterConfig {

  private final FaultConfig fault;
  private final CorsConfig cors;
  private final LocalRateLimiter rateLimit;
  private final List<RateLimitPolicy> rateLimits;

  RouteFilters(
      FaultConfig fault, CorsConfig cors, LocalRateLimiter rateLimit,
      List<RateLimitPolicy> rateLimits) {
    this.fault = fault;
    this.cors = cors;
    this.rateLimit = rateLimit;
    this.rateLimits = List.copyOf(rateLimits);
  }

  /** The route's fault config, replacing the filter's; null when it has none. */
  public FaultConfig fault() {
    return fault;
  }

  /** The route's CORS policy; null when it has none. */
  public CorsConfig cors() {
    return cors;
  }

  /** The route's local rate limit (its own buckets), replacing the filter's; null when none. */
  public LocalRateLimiter rateLimit() {
    return rateLimit;
  }

  /** The route's {@code rate_limits}. */
  public List<RateLimitPolicy> rateLimits() {
    return rateLimits;
  }

  @Override
  public String toString() {
    return "route filters{" + fault + ", " + cors + ", " + rateLimit + ", " + rateLimits + "}";
  }
}
