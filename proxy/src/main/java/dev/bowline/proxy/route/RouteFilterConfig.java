package dev.bowline.proxy.route;

/**
 * A route's settings for the connection manager's built-in HTTP filters (fault injection, CORS,
 * local rate limit): its {@code typed_per_filter_config}, and what those filters read from the
 * route itself (its {@code rate_limits}), compiled by a {@link RouteFilterCompiler}. Routing does
 * not look inside; the data path's filters do.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface RouteFilterConfig {

  /** A route without filter settings. */
  RouteFilterConfig NONE =
      new RouteFilterConfig() {
        @Override
        public String toString() {
          return "no filter settings";
        }
      };
}
