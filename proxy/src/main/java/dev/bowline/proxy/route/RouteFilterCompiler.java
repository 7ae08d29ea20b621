package dev.bowline.proxy.route;

import dev.bowline.proxy.config.Problems;
import io.envoyproxy.envoy.config.route.v3.Route;

/**
 * Compiles what a route says to the HTTP filters: its {@code typed_per_filter_config} entries and
 * the {@code rate_limits} of its {@code route} action. The route compiler hands every route to it;
 * the connection manager provides the implementation that knows its filters.
 *
 * <p>Called on the thread compiling a route configuration.
 */
public interface RouteFilterCompiler {

  /**
   * Knows no filter: a route with {@code typed_per_filter_config} or {@code rate_limits} is a
   * problem, as it is for any setting no code applies.
   */
  RouteFilterCompiler NONE =
      (route, path, problems) -> {
        if (route.getTypedPerFilterConfigCount() > 0) {
          problems.add(Problems.join(path, "typed_per_filter_config"), "not supported by Bowline");
        }
        if (route.hasRoute() && route.getRoute().getRateLimitsCount() > 0) {
          problems.add(Problems.join(path, "route.rate_limits"), "not supported by Bowline");
        }
        return RouteFilterConfig.NONE;
      };

  /**
   * The route's filter settings, {@link RouteFilterConfig#NONE} when it has none, or {@code null}
   * after reporting problems under {@code path} (the route's path).
   */
  RouteFilterConfig compile(Route route, String path, Problems problems);
}
