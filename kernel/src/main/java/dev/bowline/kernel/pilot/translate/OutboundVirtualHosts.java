package dev.bowline.kernel.pilot.translate;

import dev.bowline.spi.model.Service;
import dev.bowline.spi.model.ServicePort;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The part of every sidecar's {@code outbound} route table that does not depend on the proxy:
 * one entry per HTTP service port, in the table's order, with the domains every proxy gets for it,
 * the bare short names only proxies of the service's namespace get, and the virtual host as a
 * proxy outside that namespace gets it when no VirtualService routes the host. Built once per push
 * so that each namespace's table only adds what differs for it (see {@link SidecarOutboundRoutes}).
 *
 * <p>A domain belongs to one virtual host only. Canonical names ({@code <host>:<port>}, {@code
 * <host>}) are placed first, in order of hostname and port, then the dotted short forms ({@code
 * <name>.<ns>}, {@code <name>.<ns>.svc}, each with and without the port); a name already taken is
 * skipped. The bare forms ({@code <name>}, {@code <name>:<port>}) contain no dot, so they can only
 * meet a canonical name (a dotless ServiceEntry host), which is taken first; {@link #taken} tells.
 *
 * <p>Immutable; thread-safe.
 */
final class OutboundVirtualHosts {

  /**
   * One service port's virtual host.
   *
   * @param name the virtual host's name, {@code <host>:<port>}
   * @param service the service
   * @param port its port
   * @param domains the domains every proxy gets for it, in order
   * @param bareDomains the bare short names, for proxies of {@code service}'s namespace only
   * @param defaultRoute the route when no VirtualService applies
   * @param shared the virtual host with {@code domains} and {@code defaultRoute}, or null when
   *     {@code domains} is empty
   */
  record Entry(
      String name,
      Service service,
      ServicePort port,
      List<String> domains,
      List<String> bareDomains,
      Route defaultRoute,
      VirtualHost shared) {}

  private final List<Entry> entries;
  private final Set<String> taken;

  private OutboundVirtualHosts(List<Entry> entries, Set<String> taken) {
    this.entries = entries;
    this.taken = taken;
  }

  /** The plan for the services of {@code index}, with default routes from {@code rules}. */
  static OutboundVirtualHosts of(PushIndex index, VirtualServiceRoutes rules) {
    Set<String> taken = new HashSet<>();
    List<PortDomains> ports = new ArrayList<>();
    for (Service s : index.services()) {
      for (ServicePort p : SidecarOutboundRoutes.httpPorts(s)) {
        ports.add(new PortDomains(s, p, untaken(ServiceDomains.canonical(s, p), taken)));
      }
    }
    List<Entry> entries = new ArrayList<>(ports.size());
    for (PortDomains pd : ports) {
      Service s = pd.service();
      ServicePort p = pd.port();
      List<String> own = pd.domains();
      own.addAll(untaken(ServiceDomains.dottedShortForms(s, p, index.mesh()), taken));
      String name = s.hostname().value() + ":" + p.number();
      Route route = rules.defaultRoute(s, p.number());
      VirtualHost shared =
          own.isEmpty()
              ? null
              : VirtualHost.newBuilder()
                  .setName(name)
                  .addAllDomains(own)
                  .addRoutes(route)
                  .build();
      entries.add(
          new Entry(
              name,
              s,
              p,
              List.copyOf(own),
              ServiceDomains.bareShortForms(s, p, index.mesh()),
              route,
              shared));
    }
    return new OutboundVirtualHosts(List.copyOf(entries), Set.copyOf(taken));
  }

  /** A service port with its canonical domains (the first pass), to which the second adds. */
  private record PortDomains(Service service, ServicePort port, List<String> domains) {}

  private static List<String> untaken(List<String> candidates, Set<String> taken) {
    List<String> out = new ArrayList<>(candidates.size());
    for (String d : candidates) {
      if (taken.add(d)) {
        out.add(d);
      }
    }
    return out;
  }

  /** Every HTTP service port's entry, in the route table's order. */
  List<Entry> entries() {
    return entries;
  }

  /** Whether {@code domain} is already one of the {@link Entry#domains} of some entry. */
  boolean taken(String domain) {
    return taken.contains(domain);
  }
}
