package dev.bowline.proxy.route;

import dev.bowline.proxy.config.Problems;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.ArrayList;
import java.util.List;

/** Compiles one {@code VirtualHost}: its routes, header levels and domains. */
final class VirtualHostCompiler {

  private static final FieldAllowlist VIRTUAL_HOST =
      FieldAllowlist.of(
          VirtualHost.getDescriptor(),
          "name",
          "domains",
          "routes",
          "request_headers_to_add",
          "request_headers_to_remove",
          "response_headers_to_add",
          "response_headers_to_remove");

  private final Problems problems;
  private final HeaderMutationCompiler headers;
  private final RouteCompiler routes;

  VirtualHostCompiler(Problems problems, HeaderMutationCompiler headers, RouteCompiler routes) {
    this.problems = problems;
    this.headers = headers;
    this.routes = routes;
  }

  /** Compiles {@code host} and adds its domains to {@code domains}. */
  VirtualHostRoutes compile(
      VirtualHost host, String path, HeaderScope rootScope, DomainIndex.Builder domains) {
    VIRTUAL_HOST.check(host, path, problems);
    String name = host.getName();
    if (name.isEmpty()) {
      problems.add(Problems.join(path, "name"), "must not be empty");
    }
    String domainsPath = Problems.join(path, "domains");
    if (host.getDomainsCount() == 0) {
      problems.add(domainsPath, "at least one domain is required");
    }
    HeaderScope scope =
        rootScope.inner(
            headers.level(
                host.getRequestHeadersToAddList(),
                host.getRequestHeadersToRemoveList(),
                Problems.join(path, "request_headers_to_add"),
                Problems.join(path, "request_headers_to_remove")),
            headers.level(
                host.getResponseHeadersToAddList(),
                host.getResponseHeadersToRemoveList(),
                Problems.join(path, "response_headers_to_add"),
                Problems.join(path, "response_headers_to_remove")));
    List<RouteMatcher> matchers = new ArrayList<>();
    List<RouteEntry> entries = new ArrayList<>();
    String routesPath = Problems.join(path, "routes");
    for (int i = 0; i < host.getRoutesCount(); i++) {
      RouteCompiler.Compiled route =
          routes.compile(host.getRoutes(i), Problems.index(routesPath, i), name, scope);
      if (route != null) {
        matchers.add(route.matcher());
        entries.add(route.entry());
      }
    }
    VirtualHostRoutes compiled = new VirtualHostRoutes(name, matchers, entries);
    for (int i = 0; i < host.getDomainsCount(); i++) {
      domains.add(host.getDomains(i), compiled, Problems.index(domainsPath, i), problems);
    }
    return compiled;
  }
}
