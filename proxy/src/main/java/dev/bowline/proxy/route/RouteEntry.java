package dev.bowline.proxy.route;

/**
 * A compiled route, the answer of {@link RouteTable#route}: its names, its {@link Action} and the
 * header changes that go with it.
 *
 * <p>For a {@link ForwardAction}, the header changes to apply are the chosen {@link
 * ClusterTarget}'s, which include this route's and may add a weighted cluster's; {@link
 * #requestHeaders()} and {@link #responseHeaders()} here are for redirects and direct responses
 * (Envoy applies the response ones to those replies).
 *
 * <p>Immutable and thread-safe; matching returns the same instance for every request it matches.
 */
public final class RouteEntry {

  private final String name;
  private final String virtualHostName;
  private final Action action;
  private final HeaderMutations requestHeaders;
  private final HeaderMutations responseHeaders;
  private final RouteFilterConfig filters;

  RouteEntry(
      String name,
      String virtualHostName,
      Action action,
      HeaderMutations requestHeaders,
      HeaderMutations responseHeaders,
      RouteFilterConfig filters) {
    this.name = name;
    this.virtualHostName = virtualHostName;
    this.action = action;
    this.requestHeaders = requestHeaders;
    this.responseHeaders = responseHeaders;
    this.filters = filters;
  }

  /** The route's {@code name}, possibly empty. */
  public String name() {
    return name;
  }

  /** The name of the virtual host the route belongs to. */
  public String virtualHostName() {
    return virtualHostName;
  }

  /** What to do with the request. */
  public Action action() {
    return action;
  }

  /** Request header changes of the route, virtual host and route configuration, merged. */
  public HeaderMutations requestHeaders() {
    return requestHeaders;
  }

  /** Response header changes of the route, virtual host and route configuration, merged. */
  public HeaderMutations responseHeaders() {
    return responseHeaders;
  }

  /** The route's settings for the built-in HTTP filters ({@link RouteFilterConfig#NONE} if none). */
  public RouteFilterConfig filters() {
    return filters;
  }

  @Override
  public String toString() {
    return virtualHostName + "/" + name + ": " + action;
  }
}
