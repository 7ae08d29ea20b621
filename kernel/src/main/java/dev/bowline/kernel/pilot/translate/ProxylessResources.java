package dev.bowline.kernel.pilot.translate;

import com.google.protobuf.Any;
import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.spi.model.Service;
import dev.bowline.spi.model.ServicePort;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds what a proxyless gRPC client (grpc-java or grpc-js with xDS) asks for: for every HTTP,
 * HTTP/2 and gRPC service port, a listener named {@code <host>:<port>} (the name grpc-java asks LDS
 * for, given the target {@code xds:///<host>:<port>}) holding an {@code api_listener} whose HTTP
 * connection manager takes RDS {@code <host>:<port>} over ADS and has the typed router filter; and
 * that route configuration, with one virtual host whose domains are {@code <host>:<port>} and
 * {@code <host>} (and the short forms {@code <name>.<ns>:<port>}, {@code <name>.<ns>}), routed as
 * for sidecars.
 *
 * <p>For a Kubernetes-style host {@code <name>.<ns>.svc.<suffix>} the listener has an alias named
 * {@code <name>.<ns>:<port>} with the same route configuration, so that {@code
 * xds:///reviews.default:9080} works as well; a real hostname always wins over an alias. Stateless.
 */
final class ProxylessResources {

  private ProxylessResources() {}

  /** The listeners and routes for proxyless clients of {@code namespace} with {@code labels}. */
  static ListenersAndRoutes build(
      PushIndex index, VirtualServiceRoutes rules, String namespace, Map<String, String> labels) {
    MeshSettings mesh = index.mesh();
    List<Listener> listeners = new ArrayList<>();
    List<RouteConfiguration> routes = new ArrayList<>();
    Set<String> names = new HashSet<>();
    List<String[]> aliases = new ArrayList<>();
    Map<String, List<String>> filters = new HashMap<>();
    for (Service s : index.services()) {
      for (ServicePort p : SidecarOutboundRoutes.httpPorts(s)) {
        String host = s.hostname().value();
        String name = host + ":" + p.number();
        names.add(name);
        String shortName = shortName(s, mesh);
        List<String> domains = new ArrayList<>(List.of(name, host));
        if (shortName != null) {
          domains.add(shortName + ":" + p.number());
          domains.add(shortName);
          aliases.add(new String[] {shortName + ":" + p.number(), name});
        }
        RouteScope scope = new RouteScope(PushIndex.MESH, p.number(), namespace, labels, true);
        List<Route> vhostRoutes =
            index
                .meshVirtualService(s.hostname(), namespace)
                .map(vs -> rules.routes(vs, scope))
                .orElse(List.of());
        if (vhostRoutes.isEmpty()) {
          vhostRoutes = List.of(rules.defaultRoute(s, p.number()));
        }
        RouteConfiguration rc =
            RouteConfiguration.newBuilder()
                .setName(name)
                .addVirtualHosts(
                    VirtualHost.newBuilder()
                        .setName(name)
                        .addAllDomains(domains)
                        .addAllRoutes(vhostRoutes))
                .build();
        routes.add(rc);
        filters.put(name, HttpConnectionManagers.routeFilters(rc));
        listeners.add(apiListener(name, name, filters.get(name)));
      }
    }
    for (String[] alias : aliases) {
      if (names.add(alias[0])) {
        listeners.add(apiListener(alias[0], alias[1], filters.get(alias[1])));
      }
    }
    return new ListenersAndRoutes(listeners, routes);
  }

  /**
   * A listener for {@code xds:///<name>} whose routes are RDS {@code routeName}, listing the route
   * filters they use (for proxyless clients, the fault filter only: CORS and rate limits are left
   * out of their routes).
   */
  static Listener apiListener(String name, String routeName, List<String> routeFilters) {
    return Listener.newBuilder()
        .setName(name)
        .setApiListener(
            ApiListener.newBuilder()
                .setApiListener(
                    Any.pack(
                        HttpConnectionManagers.withRouteFilters(
                                HttpConnectionManagers.rds(name, routeName), routeFilters)
                            .build())))
        .build();
  }

  /** {@code <name>.<ns>} for a host {@code <name>.<ns>.svc.<suffix>}, else null. */
  private static String shortName(Service s, MeshSettings mesh) {
    String suffix = ".svc." + mesh.domainSuffix();
    String host = s.hostname().value();
    String expected = "." + s.namespace() + suffix;
    if (!host.endsWith(expected) || host.length() == expected.length()) {
      return null;
    }
    String name = host.substring(0, host.length() - expected.length());
    return name.indexOf('.') >= 0 ? null : name + "." + s.namespace();
  }
}
