package dev.bowline.kernel.pilot.translate;

import dev.bowline.kernel.pilot.istio.VirtualService.L4MatchAttributes;
import dev.bowline.kernel.pilot.istio.VirtualService.TcpRoute;
import dev.bowline.kernel.pilot.translate.GatewayResources.BoundServer;
import dev.bowline.kernel.pilot.translate.PushIndex.IndexedVirtualService;
import dev.bowline.spi.model.Hostname;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the listener of a gateway's TCP servers on one port, as Istio does: {@code 0.0.0.0_<port>}
 * with a {@code tcp_proxy} to the destination of the first {@code tcp} rule that applies, among
 * the VirtualServices bound to the server's Gateway whose hosts meet the server's (oldest first). A
 * rule applies when it has no match, or one of its match entries names this port (or none) and
 * this gateway (or none) — Istio does not look at a gateway's source labels for TCP. The rule
 * becomes a {@code tcp_proxy} ({@link TcpProxies}). {@code destinationSubnets}, {@code sourceSubnet} and {@code
 * sourceNamespace} are not looked at. A port with no applicable rule gets no listener (warned).
 * Stateless.
 */
final class GatewayTcpListeners {

  private static final Logger log = LoggerFactory.getLogger(GatewayTcpListeners.class);

  private GatewayTcpListeners() {}

  /** The listener of the TCP {@code servers} (all on {@code port}), if a rule routes them. */
  static Optional<Listener> listener(
      PushIndex index,
      VirtualServiceRoutes rules,
      List<BoundServer> servers,
      int port,
      String namespace,
      Map<String, String> labels) {
    for (BoundServer s : servers) {
      if (!s.protocol().equals("TCP")) {
        log.warn("{}: port {} serves TCP already; this {} server is left out", s.where(), port,
            s.protocol());
        continue;
      }
      RouteScope scope = new RouteScope(s.ref(), port, namespace, labels, false);
      for (IndexedVirtualService vs : index.boundTo(s.ref(), namespace)) {
        if (!meets(s, vs)) {
          continue;
        }
        List<TcpRoute> tcp = vs.spec().tcp();
        for (int i = 0; i < tcp.size(); i++) {
          TcpRoute rule = tcp.get(i);
          if (!applies(rule, s.ref(), port, vs)) {
            continue;
          }
          Optional<TcpProxy> proxy =
              TcpProxies.of(rule, vs, scope, rules, "outbound_0.0.0.0_" + port, vs + ": tcp[" + i + "]");
          if (proxy.isPresent()) {
            return Optional.of(TcpProxies.listener("0.0.0.0_" + port, "0.0.0.0", port, proxy.get()));
          }
        }
      }
    }
    log.warn("gateway port {}: no VirtualService tcp rule applies to its TCP servers; no listener",
        port);
    return Optional.empty();
  }

  private static boolean meets(BoundServer s, IndexedVirtualService vs) {
    for (Hostname h : vs.hosts()) {
      for (String written : s.server().hosts()) {
        if (GatewayResources.intersect(written, s.gateway().namespace(), vs, h) != null) {
          return true;
        }
      }
    }
    return false;
  }

  /** Istio's L4 match on gateways: the port and the gateway name only. */
  private static boolean applies(TcpRoute rule, String gateway, int port, IndexedVirtualService vs) {
    if (rule.match().isEmpty()) {
      return true;
    }
    for (L4MatchAttributes m : rule.match()) {
      boolean gatewayMatch = m.gateways().isEmpty();
      for (String g : m.gateways()) {
        gatewayMatch |= PushIndex.resolveGateway(g, vs.namespace()).equals(gateway);
      }
      if (gatewayMatch && (m.port() == 0 || m.port() == port)) {
        return true;
      }
    }
    return false;
  }
}
