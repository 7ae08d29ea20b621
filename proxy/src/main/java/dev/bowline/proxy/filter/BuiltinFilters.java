package dev.bowline.proxy.filter;

import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.config.HttpFilterConfig;
import dev.bowline.proxy.config.Problems;
import dev.bowline.proxy.filter.cors.CorsConfig;
import dev.bowline.proxy.filter.fault.FaultConfig;
import dev.bowline.proxy.filter.fault.FaultConfigCompiler;
import dev.bowline.proxy.filter.ratelimit.LocalRateLimitCompiler;
import dev.bowline.proxy.filter.ratelimit.LocalRateLimiter;
import dev.bowline.proxy.filter.ratelimit.RateLimitPolicy;
import dev.bowline.proxy.route.RouteFilterConfig;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.spi.plugin.PluginMetrics.Counter;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The built-in HTTP filters of one connection manager: which of fault injection ({@code
 * envoy.filters.http.fault}), CORS ({@code envoy.filters.http.cors}) and local rate limiting
 * ({@code envoy.filters.http.local_ratelimit}) its {@code http_filters} list, in their order, with
 * the filter-level configurations. They act on the matched route: a route's {@code
 * typed_per_filter_config} for a filter replaces the filter's configuration (CORS has only route
 * policies), and applies only when the connection manager lists that filter, as in Envoy.
 *
 * <p>For each routed request, {@link #stage} says whether any of them has something to do (a
 * request on a route without settings, behind filters without their own, costs nothing) and makes
 * the {@link RouteFilterStage} that runs them. Counters: {@code envoy_http_fault_delays_injected},
 * {@code envoy_http_fault_aborts_injected}, {@code envoy_http_cors_origin_valid} and {@code
 * envoy_http_cors_origin_invalid}, labelled {@code envoy_http_conn_manager_prefix}; the rate
 * limiters count their own ({@link LocalRateLimitCompiler}).
 *
 * <p>Immutable and thread-safe.
 */
public final class BuiltinFilters {

  /** A built-in filter. */
  enum Kind {
    CORS,
    FAULT,
    LOCAL_RATE_LIMIT
  }

  /** The connection manager's counters for the filters. */
  record Stats(Counter delaysInjected, Counter abortsInjected, Counter originValid,
      Counter originInvalid) {}

  /** A connection manager without built-in filters. */
  public static final BuiltinFilters NONE =
      new BuiltinFilters(new Kind[0], FaultConfig.NONE, null, null);

  private final Kind[] order;
  private final FaultConfig fault;
  private final LocalRateLimiter rateLimit;
  private final Stats stats;
  private final boolean hasFault;
  private final boolean hasCors;
  private final boolean hasRateLimit;

  private BuiltinFilters(Kind[] order, FaultConfig fault, LocalRateLimiter rateLimit, Stats stats) {
    this.order = order;
    this.fault = fault;
    this.rateLimit = rateLimit;
    this.stats = stats;
    boolean f = false;
    boolean c = false;
    boolean r = false;
    for (Kind k : order) {
      f |= k == Kind.FAULT;
      c |= k == Kind.CORS;
      r |= k == Kind.LOCAL_RATE_LIMIT;
    }
    this.hasFault = f;
    this.hasCors = c;
    this.hasRateLimit = r;
  }

  /**
   * Compiles the built-in filters among {@code filters} (the connection manager's {@code
   * http_filters}, as translated).
   *
   * @param path the connection manager's path, for problems ({@code ...http_filters[i]...})
   * @param statPrefix the connection manager's {@code stat_prefix}, for the counters
   * @param rateLimits compiles the filter's local rate limit (reusing buckets of the version in
   *     force)
   * @throws ConfigException naming every problem
   */
  public static BuiltinFilters compile(
      List<HttpFilterConfig> filters,
      String path,
      String statPrefix,
      MetricRegistry metrics,
      LocalRateLimitCompiler rateLimits)
      throws ConfigException {
    List<Kind> order = new ArrayList<>();
    FaultConfig fault = FaultConfig.NONE;
    LocalRateLimiter rateLimit = null;
    Problems problems = new Problems();
    for (int i = 0; i < filters.size(); i++) {
      HttpFilterConfig f = filters.get(i);
      if (!f.isBuiltIn()) {
        continue;
      }
      String at = Problems.join(Problems.index(Problems.join(path, "http_filters"), i), "typed_config");
      switch (f.name()) {
        case HttpFilterConfig.FAULT -> {
          order.add(Kind.FAULT);
          FaultConfig c = FaultConfigCompiler.compile((HTTPFault) f.typedConfig().get(), at, problems);
          fault = c == null ? fault : c;
        }
        case HttpFilterConfig.CORS -> order.add(Kind.CORS); // Cors has no settings
        case HttpFilterConfig.LOCAL_RATE_LIMIT -> {
          order.add(Kind.LOCAL_RATE_LIMIT);
          rateLimit =
              rateLimits.compile((LocalRateLimit) f.typedConfig().get(), false, at, problems);
        }
        default -> throw new IllegalArgumentException("not a built-in filter: " + f.name());
      }
    }
    problems.throwIfAny();
    if (order.isEmpty()) {
      return NONE;
    }
    Map<String, String> labels = Map.of("envoy_http_conn_manager_prefix", statPrefix);
    Stats stats =
        new Stats(
            metrics.counter("envoy_http_fault_delays_injected",
                "Requests the fault filter delayed.", labels),
            metrics.counter("envoy_http_fault_aborts_injected",
                "Requests the fault filter aborted.", labels),
            metrics.counter("envoy_http_cors_origin_valid",
                "CORS requests from an allowed origin.", labels),
            metrics.counter("envoy_http_cors_origin_invalid",
                "CORS requests from an origin not allowed.", labels));
    return new BuiltinFilters(
        order.toArray(new Kind[0]),
        fault,
        rateLimit == null || rateLimit.isEmpty() ? null : rateLimit,
        stats);
  }

  /** Whether the connection manager lists none of the built-in filters. */
  public boolean isEmpty() {
    return order.length == 0;
  }

  /**
   * The filters' run for a request routed to a route with {@code route}'s settings, to be {@link
   * RouteFilterStage#start started}; null when none of them has anything to do for it (nothing is
   * allocated then).
   *
   * @param forwards whether the route forwards upstream (CORS ignores redirects and direct
   *     responses, as Envoy's does)
   */
  public RouteFilterStage stage(RouteFilterConfig route, boolean forwards) {
    if (order.length == 0) {
      return null;
    }
    RouteFilters settings = route instanceof RouteFilters r ? r : null;
    FaultConfig f = null;
    if (hasFault) {
      f = settings != null && settings.fault() != null ? settings.fault() : fault;
      if (f.isEmpty()) {
        f = null;
      }
    }
    CorsConfig c = hasCors && forwards && settings != null ? settings.cors() : null;
    LocalRateLimiter l = null;
    if (hasRateLimit) {
      l = settings != null && settings.rateLimit() != null ? settings.rateLimit() : rateLimit;
    }
    if (f == null && c == null && l == null) {
      return null;
    }
    List<RateLimitPolicy> policies = settings != null ? settings.rateLimits() : List.of();
    return new RouteFilterStage(order, f, c, l, policies, stats);
  }
}
