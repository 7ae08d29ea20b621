/**
 * The HTTP filters built into the proxy, configured by Envoy's own typed configs: fault injection
 * ({@code envoy.filters.http.fault}, {@link dev.bowline.proxy.filter.fault}), CORS ({@code
 * envoy.filters.http.cors}, {@link dev.bowline.proxy.filter.cors}) and local rate limiting ({@code
 * envoy.filters.http.local_ratelimit}, {@link dev.bowline.proxy.filter.ratelimit}).
 *
 * <p>They act on the matched route. The connection manager's {@code http_filters} list them with
 * their filter-level configs ({@link dev.bowline.proxy.filter.BuiltinFilters}); each route's
 * {@code typed_per_filter_config} and {@code rate_limits} are compiled with the route table
 * ({@link dev.bowline.proxy.filter.RouteFiltersCompiler}, into {@link
 * dev.bowline.proxy.filter.RouteFilters}); for each routed request the data path runs a {@link
 * dev.bowline.proxy.filter.RouteFilterStage} before the route's action, through the small {@link
 * dev.bowline.proxy.filter.RouteFilterStage.Exchange} and {@link
 * dev.bowline.proxy.filter.FilterRequest} interfaces, so this package knows nothing of Netty's
 * request types.
 *
 * <p>Compiled configs are immutable and thread-safe; rate limit buckets are lock-free shared state.
 * Nothing here blocks an event loop: a fault delay is a timer on the request's event loop.
 */
package dev.bowline.proxy.filter;
