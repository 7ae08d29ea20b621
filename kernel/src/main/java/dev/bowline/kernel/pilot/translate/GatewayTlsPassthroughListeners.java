package dev.bowline.kernel.pilot.translate;

import com.google.protobuf.Any;
import dev.bowline.kernel.pilot.istio.VirtualService.TlsMatchAttributes;
import dev.bowline.kernel.pilot.istio.VirtualService.TlsRoute;
import dev.bowline.kernel.pilot.translate.GatewayResources.BoundServer;
import dev.bowline.kernel.pilot.translate.PushIndex.IndexedVirtualService;
import dev.bowline.spi.model.Hostname;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the listener of a gateway's TLS servers in {@code PASSTHROUGH} mode on one port, as Istio
 * does: {@code 0.0.0.0_<port>} with the {@code tls_inspector}, and one filter chain per {@code
 * tls} rule match of the VirtualServices bound to the servers' Gateways (oldest first), matched on
 * the match's {@code sniHosts} (those the server's hosts cover) and proxying the still-encrypted
 * connection with a {@code tcp_proxy} to the rule's destinations ({@link TcpProxies}). A match
 * applies when its {@code gateways} are unset or name the server's Gateway and its {@code port} is
 * unset or this port. An SNI name set taken by an earlier rule is not taken again; a connection
 * whose SNI no chain names is closed. A port with no applicable rule gets no listener (warned).
 * Stateless.
 */
final class GatewayTlsPassthroughListeners {

  private static final Logger log = LoggerFactory.getLogger(GatewayTlsPassthroughListeners.class);

  private GatewayTlsPassthroughListeners() {}

  /** Whether the server passes TLS through: a TLS or HTTPS server whose mode is PASSTHROUGH (Istio's default). */
  static boolean passesThrough(BoundServer s) {
    String protocol = s.protocol();
    if (!protocol.equals("TLS") && !protocol.equals("HTTPS")) {
      return false;
    }
    String mode = s.server().tls() == null || s.server().tls().mode() == null
        ? "PASSTHROUGH" : s.server().tls().mode().toUpperCase(Locale.ROOT);
    return mode.equals("PASSTHROUGH");
  }

  /** The listener of the passthrough {@code servers} (all on {@code port}), if a rule routes them. */
  static Optional<Listener> listener(
      PushIndex index,
      VirtualServiceRoutes rules,
      List<BoundServer> servers,
      int port,
      String namespace,
      Map<String, String> labels) {
    Listener.Builder listener =
        Listener.newBuilder()
            .setName("0.0.0.0_" + port)
            .setAddress(EnvoyAddresses.tcp("0.0.0.0", port))
            .addListenerFilters(
                ListenerFilter.newBuilder()
                    .setName("envoy.filters.listener.tls_inspector")
                    .setTypedConfig(Any.pack(TlsInspector.getDefaultInstance())));
    Set<Set<String>> taken = new HashSet<>();
    for (BoundServer s : servers) {
      if (!passesThrough(s)) {
        log.warn("{}: port {} passes TLS through already; this {} server is left out", s.where(),
            port, s.protocol());
        continue;
      }
      RouteScope scope = new RouteScope(s.ref(), port, namespace, labels, false);
      for (IndexedVirtualService vs : index.boundTo(s.ref(), namespace)) {
        List<TlsRoute> tls = vs.spec().tls();
        for (int i = 0; i < tls.size(); i++) {
          for (TlsMatchAttributes m : tls.get(i).match()) {
            if (!applies(m, s.ref(), port, vs)) {
              continue;
            }
            Set<String> names = serverNames(m, s);
            if (names.isEmpty() || !taken.add(names)) {
              continue;
            }
            String where = vs + ": tls[" + i + "]";
            Optional<TcpProxy> proxy =
                TcpProxies.of(tls.get(i).route(), vs, scope, rules, "outbound_0.0.0.0_" + port, where);
            proxy.ifPresent(p -> listener.addFilterChains(
                FilterChain.newBuilder()
                    .setFilterChainMatch(FilterChainMatch.newBuilder().addAllServerNames(names))
                    .addFilters(TcpProxies.filter(p))));
          }
        }
      }
    }
    if (listener.getFilterChainsCount() == 0) {
      log.warn("gateway port {}: no VirtualService tls rule routes its PASSTHROUGH servers; no"
          + " listener", port);
      return Optional.empty();
    }
    return Optional.of(listener.build());
  }

  private static boolean applies(TlsMatchAttributes m, String gateway, int port, IndexedVirtualService vs) {
    boolean gatewayMatch = m.gateways().isEmpty();
    for (String g : m.gateways()) {
      gatewayMatch |= PushIndex.resolveGateway(g, vs.namespace()).equals(gateway);
    }
    return gatewayMatch && (m.port() == 0 || m.port() == port);
  }

  /** The match's SNI hosts that one of the server's hosts covers (narrowed to the server's). */
  private static Set<String> serverNames(TlsMatchAttributes m, BoundServer s) {
    Set<String> names = new TreeSet<>();
    for (String sni : m.sniHosts()) {
      Hostname sniHost;
      try {
        sniHost = Hostname.of(sni.toLowerCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        continue;
      }
      for (String written : s.server().hosts()) {
        String host = written.substring(written.indexOf('/') + 1).toLowerCase(Locale.ROOT);
        Hostname serverHost;
        try {
          serverHost = Hostname.of(host);
        } catch (IllegalArgumentException e) {
          continue;
        }
        if (serverHost.matches(sniHost)) {
          names.add(sniHost.value());
        } else if (sniHost.matches(serverHost)) {
          names.add(serverHost.value());
        }
      }
    }
    names.remove("*"); // Envoy's server_names take no bare wildcard; a chain without names would take all
    return names;
  }
}
