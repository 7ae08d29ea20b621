package dev.bowline.kernel.pilot.translate;

import dev.bowline.spi.model.Service;
import dev.bowline.spi.model.ServicePort;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
 * reviews.default} keeps it over the short form of {@code reviews.default.svc.cluster.local}.
 * Stateless.
 */
final class SidecarOutboundRoutes {

  /** The route configuration name the outbound listener asks RDS for. */
  static final String NAME = "outbound";

  private SidecarOutboundRoutes() {}

  /** The route configuration for proxies of {@code namespace} with {@code labels}. */
  static RouteConfiguration build(
      PushIndex index, VirtualServiceRoutes rules, String namespace, Map<String, String> labels) {
    Map<String, List<String>> domains = new LinkedHashMap<>();
    Map<String, List<Route>> routes = new LinkedHashMap<>();
    Set<String> taken = new HashSet<>();
    List<Service> services = index.services();
    for (Service s : services) {
      for (ServicePort p : httpPorts(s)) {
        String name = s.hostname().value() + ":" + p.number();
        List<String> own = new ArrayList<>();
        for (String d : ServiceDomains.canonical(s, p)) {
          if (taken.add(d)) {
            own.add(d);
          }
        }
        domains.put(name, own);
        RouteScope scope = new RouteScope(PushIndex.MESH, p.number(), namespace, labels, false);
        List<Route> vhostRoutes =
            index
                .meshVirtualService(s.hostname(), namespace)
                .map(vs -> rules.routes(vs, scope))
                .orElse(List.of());
        if (vhostRoutes.isEmpty()) {
          vhostRoutes = List.of(rules.defaultRoute(s, p.number()));
        }
        routes.put(name, vhostRoutes);
      }
    }
    for (Service s : services) {
      for (ServicePort p : httpPorts(s)) {
        List<String> own = domains.get(s.hostname().value() + ":" + p.number());
        for (String d : ServiceDomains.shortForms(s, p, index.mesh(), namespace)) {
          if (taken.add(d)) {
            own.add(d);
          }
        }
      }
    }
    RouteConfiguration.Builder config = RouteConfiguration.newBuilder().setName(NAME);
    for (Map.Entry<String, List<String>> e : domains.entrySet()) {
      if (e.getValue().isEmpty()) {
        continue;
      }
      config.addVirtualHosts(
          VirtualHost.newBuilder()
              .setName(e.getKey())
              .addAllDomains(e.getValue())
              .addAllRoutes(routes.get(e.getKey())));
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
