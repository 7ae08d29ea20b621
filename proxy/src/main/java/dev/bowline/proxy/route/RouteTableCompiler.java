package dev.bowline.proxy.route;

import dev.bowline.proxy.config.Problems;
import dev.bowline.proxy.config.ConfigException;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Compiles a {@code RouteConfiguration} into a {@link RouteTable}, collecting every problem. */
final class RouteTableCompiler {

  private static final Logger log = LoggerFactory.getLogger(RouteTableCompiler.class);

  private static final FieldAllowlist ROUTE_CONFIGURATION =
      FieldAllowlist.of(
          RouteConfiguration.getDescriptor(),
          "name",
          "virtual_hosts",
          "internal_only_headers",
          "request_headers_to_add",
          "request_headers_to_remove",
          "response_headers_to_add",
          "response_headers_to_remove",
          "most_specific_header_mutations_wins",
          "ignore_port_in_host_matching",
          "max_direct_response_body_size_bytes");

  /** Envoy's default {@code max_direct_response_body_size_bytes}. */
  static final int DEFAULT_MAX_DIRECT_RESPONSE_BODY_BYTES = 4096;

  private RouteTableCompiler() {}

  static RouteTable compile(RouteConfiguration config, String path, RouteFilterCompiler filters)
      throws ConfigException {
    Problems problems = new Problems();
    ROUTE_CONFIGURATION.check(config, path, problems);

    HeaderMutationCompiler headers = new HeaderMutationCompiler(problems);
    StringMatcherCompiler strings = new StringMatcherCompiler(problems);
    PathRewriteCompiler rewrites = new PathRewriteCompiler(problems, strings);
    int maxBodyBytes =
        config.hasMaxDirectResponseBodySizeBytes()
            ? config.getMaxDirectResponseBodySizeBytes().getValue()
            : DEFAULT_MAX_DIRECT_RESPONSE_BODY_BYTES;
    if (maxBodyBytes < 0) {
      maxBodyBytes = Integer.MAX_VALUE;
    }
    RouteCompiler routes =
        new RouteCompiler(
            problems,
            new RouteMatchCompiler(problems, strings),
            headers,
            new ForwardActionCompiler(problems, headers, rewrites, new RetryPolicyCompiler(problems)),
            new RedirectActionCompiler(problems, rewrites),
            new DirectResponseCompiler(problems, maxBodyBytes),
            filters);
    VirtualHostCompiler virtualHosts = new VirtualHostCompiler(problems, headers, routes);

    HeaderScope rootScope =
        HeaderScope.root(
            headers.level(
                config.getRequestHeadersToAddList(),
                config.getRequestHeadersToRemoveList(),
                Problems.join(path, "request_headers_to_add"),
                Problems.join(path, "request_headers_to_remove")),
            headers.level(
                config.getResponseHeadersToAddList(),
                config.getResponseHeadersToRemoveList(),
                Problems.join(path, "response_headers_to_add"),
                Problems.join(path, "response_headers_to_remove")),
            config.getMostSpecificHeaderMutationsWins());

    List<String> internalOnlyHeaders = new ArrayList<>();
    String internalPath = Problems.join(path, "internal_only_headers");
    for (int i = 0; i < config.getInternalOnlyHeadersCount(); i++) {
      String name =
          headers.headerName(
              config.getInternalOnlyHeaders(i), Problems.index(internalPath, i), "removed");
      if (name != null) {
        internalOnlyHeaders.add(name);
      }
    }

    DomainIndex.Builder domains = new DomainIndex.Builder(config.getIgnorePortInHostMatching());
    Map<String, String> pathOfName = new HashMap<>();
    String hostsPath = Problems.join(path, "virtual_hosts");
    int routeCount = 0;
    for (int i = 0; i < config.getVirtualHostsCount(); i++) {
      String hostPath = Problems.index(hostsPath, i);
      String name = config.getVirtualHosts(i).getName();
      String previous = name.isEmpty() ? null : pathOfName.putIfAbsent(name, hostPath);
      if (previous != null) {
        problems.add(
            Problems.join(hostPath, "name"),
            "duplicate virtual host name \"" + name + "\", already at " + previous);
      }
      routeCount +=
          virtualHosts.compile(config.getVirtualHosts(i), hostPath, rootScope, domains).routeCount();
    }

    problems.throwIfAny();
    RouteTable table =
        new RouteTable(
            config.getName(),
            domains.build(),
            internalOnlyHeaders,
            config.getVirtualHostsCount(),
            routeCount);
    log.debug("compiled {}", table);
    return table;
  }
}
