package dev.bowline.proxy.route;

import dev.bowline.proxy.config.ConfigException;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.List;

/**
 * A compiled Envoy {@code RouteConfiguration}: virtual hosts selected by authority, routes matched
 * in order, actions and header changes precomputed.
 *
 * <p>Compile once per config version with {@link #compile}; then call {@link #route} on every
 * request. A compiled table is immutable and thread-safe: event loops share it, and a new config
 * version is a new table swapped in atomically. Matching never blocks and never compiles a regex;
 * it allocates nothing except what running an RE2 regex takes (a matcher, and the path without its
 * query string when there is one).
 *
 * <p>The fields Bowline implements are listed in the {@linkplain dev.bowline.proxy.route package
 * documentation}; any other field set in the configuration is a {@link ConfigException} naming its
 * path.
 */
public final class RouteTable {

  private final String name;
  private final DomainIndex domains;
  private final List<String> internalOnlyHeaders;
  private final int virtualHostCount;
  private final int routeCount;

  RouteTable(
      String name,
      DomainIndex domains,
      List<String> internalOnlyHeaders,
      int virtualHostCount,
      int routeCount) {
    this.name = name;
    this.domains = domains;
    this.internalOnlyHeaders = List.copyOf(internalOnlyHeaders);
    this.virtualHostCount = virtualHostCount;
    this.routeCount = routeCount;
  }

  /**
   * Compiles {@code config}.
   *
   * @param path the path of {@code config} in the enclosing configuration, prefixed to the path of
   *     every problem, such as {@code
   *     static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config}; empty
   *     for none
   * @throws ConfigException listing every problem found, each starting with its field path: a field
   *     Bowline does not implement, an invalid RE2 regex, a duplicate domain, a route without
   *     action, weighted clusters of total weight zero, ...
   */
  public static RouteTable compile(RouteConfiguration config, String path)
      throws ConfigException {
    return compile(config, path, RouteFilterCompiler.NONE);
  }

  /**
   * Compiles {@code config} as {@link #compile(RouteConfiguration, String)} does, with {@code
   * filters} compiling each route's settings for the HTTP filters ({@code typed_per_filter_config},
   * {@code rate_limits}); {@link RouteEntry#filters()} holds the result.
   */
  public static RouteTable compile(
      RouteConfiguration config, String path, RouteFilterCompiler filters)
      throws ConfigException {
    return RouteTableCompiler.compile(config, path, filters);
  }

  /** The configuration's {@code name}, possibly empty. */
  public String name() {
    return name;
  }

  /**
   * The configuration's {@code internal_only_headers}, lower case: headers the data path removes
   * from requests that do not come from an internal address.
   */
  public List<String> internalOnlyHeaders() {
    return internalOnlyHeaders;
  }

  /** How many virtual hosts the table has. */
  public int virtualHostCount() {
    return virtualHostCount;
  }

  /** How many routes the table has, over all virtual hosts. */
  public int routeCount() {
    return routeCount;
  }

  /**
   * The route for {@code request}: the virtual host selected by its authority, then the first of
   * that host's routes that matches.
   *
   * @return the route, or {@code null} when no virtual host or no route matches (Envoy's response
   *     flag {@code NR}, answered with 404) or the request has no path
   */
  public RouteEntry route(RequestView request) {
    VirtualHostRoutes host = domains.find(request.authority());
    if (host == null) {
      return null;
    }
    String path = request.path();
    if (path == null) {
      return null;
    }
    return host.match(request, path, PathMatcher.pathEnd(path));
  }

  /** The name of the virtual host selected for {@code authority}, or {@code null}. */
  String virtualHostName(String authority) {
    VirtualHostRoutes host = domains.find(authority);
    return host == null ? null : host.name();
  }

  @Override
  public String toString() {
    return "RouteTable{" + name + ", " + virtualHostCount + " virtual hosts, " + routeCount + " routes}";
  }
}
