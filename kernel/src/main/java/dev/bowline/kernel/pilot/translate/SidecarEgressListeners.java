package dev.bowline.kernel.pilot.translate;

import dev.bowline.kernel.pilot.config.ConfigResource;
import dev.bowline.kernel.pilot.istio.Sidecar;
import dev.bowline.kernel.pilot.istio.Sidecar.EgressListener;
import dev.bowline.kernel.pilot.istio.VirtualService.L4MatchAttributes;
import dev.bowline.kernel.pilot.istio.VirtualService.TcpRoute;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.kernel.pilot.translate.PushIndex.IndexedVirtualService;
import dev.bowline.spi.model.Hostname;
import dev.bowline.spi.model.Protocol;
import dev.bowline.spi.model.Service;
import dev.bowline.spi.model.ServicePort;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners a sidecar opens for the egress listeners with a port of its Sidecar resource
 * ({@link PushIndex#sidecarFor}): each on {@code bind:port} ({@code bind} defaults to {@code
 * 127.0.0.1}: Bowline does not capture traffic, so the application connects there, and loopback
 * keeps the listener from being an open proxy), named {@code <bind>_<port>} as Istio names
 * outbound listeners.
 *
 * <ul>
 *   <li>A TCP listener (the port's protocol, else the protocol of the services' port, is not HTTP)
 *       reaches the first service, by hostname, that one of the listener's hosts selects and that
 *       has the port; more than one is logged. Its traffic follows the first {@code tcp} rule
 *       that applies among those of the VirtualService that routes the service for the
 *       sidecar's namespace ({@link PushIndex#meshVirtualService}); a rule applies when it has no
 *       match, or a match entry whose {@code port} is this one (or unset), whose {@code gateways}
 *       are unset or include {@code mesh}, whose {@code sourceLabels} are among the sidecar's labels
 *       and whose {@code sourceNamespace} is the sidecar's (or unset). Without a rule: the
 *       service's cluster.
 *   <li>An HTTP listener routes by {@code Host} with the sidecar's RDS {@code outbound}, as
 *       {@code virtualOutbound} does.
 * </ul>
 *
 * A port the sidecar already uses (its outbound, inbound or application port) gets no listener
 * (logged). Stateless.
 */
final class SidecarEgressListeners {

  private static final Logger log = LoggerFactory.getLogger(SidecarEgressListeners.class);
  private static final String DEFAULT_BIND = "127.0.0.1";

  private SidecarEgressListeners() {}

  /** The egress listeners of {@code node}; empty when no Sidecar resource applies to it. */
  static List<Listener> listeners(
      ProxyNode node, PushIndex index, VirtualServiceRoutes rules, List<String> routeFilters) {
    Optional<ConfigResource<Sidecar>> resource = index.sidecarFor(node.namespace(), node.labels());
    if (resource.isEmpty()) {
      return List.of();
    }
    Set<Integer> taken = new HashSet<>(List.of(node.outboundPort(), node.inboundPort()));
    node.appPort().ifPresent(taken::add);
    List<Listener> out = new ArrayList<>();
    List<EgressListener> egress = resource.get().spec().egress();
    for (int i = 0; i < egress.size(); i++) {
      EgressListener e = egress.get(i);
      if (e == null || e.port() == null) {
        continue;
      }
      String where = resource.get().key() + ": egress[" + i + "]";
      int port = e.port().number();
      if (taken.contains(port)) {
        log.warn("{}: port {} is one of proxy {}'s own ports; no listener", where, port, node.id());
        continue;
      }
      String bind = e.bind() == null || e.bind().isEmpty() ? DEFAULT_BIND : e.bind();
      String name = bind + "_" + port;
      List<Service> services = services(e, resource.get().namespace(), port, index);
      Protocol protocol;
      if (e.port().protocol() != null && !e.port().protocol().isEmpty()) {
        protocol = Protocol.parse(e.port().protocol()).orElse(Protocol.TCP); // MONGO, REDIS: TCP
      } else {
        protocol =
            services.isEmpty()
                ? Protocol.TCP
                : services.get(0).port(port).map(ServicePort::protocol).orElse(Protocol.TCP);
      }
      if (protocol.isHttp()) {
        out.add(SidecarListeners.outboundHttp(name, bind, port, "outbound_" + name, routeFilters));
        continue;
      }
      if (services.isEmpty()) {
        log.warn("{}: no service of its hosts has port {}; no listener", where, port);
        continue;
      }
      if (services.size() > 1) {
        log.warn("{}: {} services of its hosts have port {}; {} is reached", where,
            services.size(), port, services.get(0).hostname());
      }
      out.add(
          TcpProxies.listener(
              name, bind, port, tcpProxy(services.get(0), port, node, index, rules, name)));
    }
    return out;
  }

  /**
   * The services with {@code port} that the egress listener's hosts ({@code namespace/dnsName})
   * select, ordered by hostname.
   */
  private static List<Service> services(
      EgressListener e, String sidecarNamespace, int port, PushIndex index) {
    List<Service> out = new ArrayList<>();
    for (Service s : index.services()) {
      if (s.port(port).isPresent() && selects(e.hosts(), sidecarNamespace, s)) {
        out.add(s);
      }
    }
    return out;
  }

  private static boolean selects(List<String> hosts, String sidecarNamespace, Service s) {
    for (String h : hosts) {
      int slash = h == null ? -1 : h.indexOf('/');
      if (slash < 0) {
        continue;
      }
      String ns = h.substring(0, slash);
      boolean namespaceMatches =
          ns.equals("*") || ns.equals(s.namespace()) || (ns.equals(".") && sidecarNamespace.equals(s.namespace()));
      if (!namespaceMatches) {
        continue;
      }
      try {
        if (Hostname.of(h.substring(slash + 1)).matches(s.hostname())) {
          return true;
        }
      } catch (IllegalArgumentException invalid) {
        // validation rejected it already; a stored resource never holds one
      }
    }
    return false;
  }

  private static TcpProxy tcpProxy(
      Service service,
      int port,
      ProxyNode node,
      PushIndex index,
      VirtualServiceRoutes rules,
      String statPrefix) {
    Optional<IndexedVirtualService> vs = index.meshVirtualService(service.hostname(), node.namespace());
    if (vs.isPresent()) {
      RouteScope scope = new RouteScope(PushIndex.MESH, port, node.namespace(), node.labels(), false);
      List<TcpRoute> tcp = vs.get().spec().tcp();
      for (int i = 0; i < tcp.size(); i++) {
        if (applies(tcp.get(i), port, node)) {
          Optional<TcpProxy> proxy =
              TcpProxies.of(tcp.get(i), vs.get(), scope, rules, "outbound_" + statPrefix,
                  vs.get() + ": tcp[" + i + "]");
          if (proxy.isPresent()) {
            return proxy.get();
          }
        }
      }
    }
    return TcpProxies.toCluster(ClusterNames.outbound(port, null, service.hostname().value()));
  }

  private static boolean applies(TcpRoute rule, int port, ProxyNode node) {
    if (rule.match().isEmpty()) {
      return true;
    }
    for (L4MatchAttributes m : rule.match()) {
      boolean gateway = m.gateways().isEmpty() || m.gateways().contains(PushIndex.MESH);
      boolean portMatches = m.port() == 0 || m.port() == port;
      boolean labels = node.labels().entrySet().containsAll(m.sourceLabels().entrySet());
      boolean namespace =
          m.sourceNamespace() == null
              || m.sourceNamespace().isEmpty()
              || m.sourceNamespace().equals(node.namespace());
      if (gateway && portMatches && labels && namespace) {
        return true;
      }
    }
    return false;
  }
}
