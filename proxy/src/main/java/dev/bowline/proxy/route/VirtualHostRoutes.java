package dev.bowline.proxy.route;

import java.util.List;

/** A compiled virtual host: its routes in order, the first that matches winning. */
final class VirtualHostRoutes {

  private final String name;
  private final RouteMatcher[] matchers;
  private final RouteEntry[] entries;

  VirtualHostRoutes(String name, List<RouteMatcher> matchers, List<RouteEntry> entries) {
    if (matchers.size() != entries.size()) {
      throw new IllegalArgumentException("one matcher per route");
    }
    this.name = name;
    this.matchers = matchers.toArray(new RouteMatcher[0]);
    this.entries = entries.toArray(new RouteEntry[0]);
  }

  String name() {
    return name;
  }

  int routeCount() {
    return entries.length;
  }

  /** The first route matching, or {@code null}. */
  RouteEntry match(RequestView request, String path, int pathEnd) {
    for (int i = 0; i < matchers.length; i++) {
      if (matchers[i].matches(request, path, pathEnd)) {
        return entries[i];
      }
    }
    return null;
  }
}
