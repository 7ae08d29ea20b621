package dev.bowline.kernel.pilot.translate;

import dev.bowline.spi.model.Service;
import dev.bowline.spi.model.ServicePort;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a sidecar's {@code outbound} route configuration: one virtual host per HTTP, HTTP/2 and
 * gRPC service port (TCP and TLS ports are not reachable through the HTTP entry point), named
 * {@code <host>:<port>}, with the domains of {@link ServiceDomains} and the routes of the oldest
 * VirtualService for {@code mesh} covering the host, or a single route to the port's cluster.
 *
 * <p>A domain appears in one virtual host only, as Envoy and Bowline's proxy require: the
 * canonical names of every service are placed first, then the short forms, each pass in order of
 * hostname and port, and a name already taken is skipped. So a service whose real name is {@code
 * reviews.default} keeps it over the short form of {@code reviews.default.svc.cluster.local}. What
 * every namespace's table shares is computed once per push by {@link OutboundVirtualHosts}.
 * Stateless.
 */
final class SidecarOutboundRoutes {

  /** The route configuration name the outbound listener asks RDS for. */
  static final String NAME = "outbound";

  private SidecarOutboundRoutes() {}

  /**
   * The route configuration for proxies of {@code namespace} with {@code labels}. A virtual host
   * that no VirtualService routes and that gets no bare short name in this namespace is the very
   * {@link OutboundVirtualHosts.Entry#shared} instance.
   */
  static RouteConfiguration build(
      OutboundVirtualHosts hosts,
      PushIndex index,
      VirtualServiceRoutes rules,
      String namespace,
      Map<String, String> labels) {
    RouteConfiguration.Builder config = RouteConfiguration.newBuilder().setName(NAME);
    Set<String> bareTaken = new HashSet<>();
    for (OutboundVirtualHosts.Entry e : hosts.entries()) {
      RouteScope scope = new RouteScope(PushIndex.MESH, e.port().number(), namespace, labels, false);
      List<Route> vhostRoutes =
          index
              .meshVirtualService(e.service().hostname(), namespace)
              .map(vs -> rules.routes(vs, scope))
              .orElse(List.of());
      List<String> bare = List.of();
      if (e.service().namespace().equals(namespace)) {
        bare = new ArrayList<>(e.bareDomains().size());
        for (String d : e.bareDomains()) {
          if (!hosts.taken(d) && bareTaken.add(d)) {
            bare.add(d);
          }
        }
      }
      if (vhostRoutes.isEmpty() && bare.isEmpty()) {
        if (e.shared() != null) {
          config.addVirtualHosts(e.shared());
        }
        continue;
      }
      if (e.domains().isEmpty() && bare.isEmpty()) {
        continue;
      }
      config.addVirtualHosts(
          VirtualHost.newBuilder()
              .setName(e.name())
              .addAllDomains(e.domains())
              .addAllDomains(bare)
              .addAllRoutes(vhostRoutes.isEmpty() ? List.of(e.defaultRoute()) : vhostRoutes));
    }
    return config.build();
  }

  /** The HTTP-ish ports of {@code s}, by number. */
  static List<ServicePort> httpPorts(Service s) {
    List<ServicePort> ports = new ArrayList<>();
    for (ServicePort p : s.ports()) {
      if (p.protocol().isHttp()) {
        ports.add(p);
      }
    }
    ports.sort(Comparator.comparingInt(ServicePort::number));
    return ports;
  }
}
