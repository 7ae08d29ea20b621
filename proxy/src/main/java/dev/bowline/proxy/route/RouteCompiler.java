package dev.bowline.proxy.route;

import dev.bowline.proxy.config.Problems;
import io.envoyproxy.envoy.config.route.v3.Route;

/** Compiles one {@code Route}: its match, its action and its header levels. */
final class RouteCompiler {

  private static final FieldAllowlist ROUTE =
      FieldAllowlist.of(
          Route.getDescriptor(),
          "name",
          "match",
          "route",
          "redirect",
          "direct_response",
          "request_headers_to_add",
          "request_headers_to_remove",
          "response_headers_to_add",
          "response_headers_to_remove",
          "typed_per_filter_config"); // with route.rate_limits: the RouteFilterCompiler's

  /** A route's matcher and what it answers. */
  record Compiled(RouteMatcher matcher, RouteEntry entry) {}

  private final Problems problems;
  private final RouteMatchCompiler matches;
  private final HeaderMutationCompiler headers;
  private final ForwardActionCompiler forwards;
  private final RedirectActionCompiler redirects;
  private final DirectResponseCompiler directResponses;
  private final RouteFilterCompiler filters;

  RouteCompiler(
      Problems problems,
      RouteMatchCompiler matches,
      HeaderMutationCompiler headers,
      ForwardActionCompiler forwards,
      RedirectActionCompiler redirects,
      DirectResponseCompiler directResponses,
      RouteFilterCompiler filters) {
    this.problems = problems;
    this.matches = matches;
    this.headers = headers;
    this.forwards = forwards;
    this.redirects = redirects;
    this.directResponses = directResponses;
    this.filters = filters;
  }

  /** The compiled route, or {@code null} if it has a problem (reported). */
  Compiled compile(Route route, String path, String virtualHostName, HeaderScope virtualHostScope) {
    int before = problems.size();
    ROUTE.check(route, path, problems);
    RouteMatcher matcher = null;
    if (route.hasMatch()) {
      matcher = matches.compile(route.getMatch(), Problems.join(path, "match"));
    } else {
      problems.add(Problems.join(path, "match"), "required");
    }
    PathMatcher pathMatcher = matcher == null ? null : matcher.path();
    HeaderScope scope =
        virtualHostScope.inner(
            headers.level(
                route.getRequestHeadersToAddList(),
                route.getRequestHeadersToRemoveList(),
                Problems.join(path, "request_headers_to_add"),
                Problems.join(path, "request_headers_to_remove")),
            headers.level(
                route.getResponseHeadersToAddList(),
                route.getResponseHeadersToRemoveList(),
                Problems.join(path, "response_headers_to_add"),
                Problems.join(path, "response_headers_to_remove")));
    Action action = null;
    switch (route.getActionCase()) {
      case ROUTE:
        action = forwards.compile(route.getRoute(), Problems.join(path, "route"), pathMatcher, scope);
        break;
      case REDIRECT:
        action =
            redirects.compile(route.getRedirect(), Problems.join(path, "redirect"), pathMatcher);
        break;
      case DIRECT_RESPONSE:
        action =
            directResponses.compile(
                route.getDirectResponse(), Problems.join(path, "direct_response"));
        break;
      case ACTION_NOT_SET:
        problems.add(path, "no action: one of route, redirect or direct_response is required");
        break;
      default:
        break; // an unsupported action, already reported
    }
    RouteFilterConfig filterConfig = filters.compile(route, path, problems);
    if (problems.size() != before || matcher == null || action == null || filterConfig == null) {
      return null;
    }
    RouteEntry entry =
        new RouteEntry(
            route.getName(),
            virtualHostName,
            action,
            scope.request(HeaderLevel.EMPTY),
            scope.response(HeaderLevel.EMPTY),
            filterConfig);
    return new Compiled(matcher, entry);
  }
}
