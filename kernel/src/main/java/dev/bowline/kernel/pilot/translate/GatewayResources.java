package dev.bowline.kernel.pilot.translate;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import dev.bowline.kernel.pilot.config.ConfigResource;
import dev.bowline.kernel.pilot.istio.Gateway;
import dev.bowline.kernel.pilot.istio.Gateway.Server;
import dev.bowline.kernel.pilot.istio.Gateway.ServerTls;
import dev.bowline.kernel.pilot.translate.PushIndex.IndexedVirtualService;
import dev.bowline.spi.model.Hostname;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a gateway proxy's listeners and routes from the Gateways that select it.
 *
 * <p>Each server port becomes one listener {@code 0.0.0.0_<port>} on {@code 0.0.0.0:<port>}
 * (servers of several Gateways sharing a port are merged) with an HTTP connection manager taking
 * RDS {@code http.<port>}. That route configuration has a virtual host per host of the
 * VirtualServices bound to a Gateway on the port (VirtualService {@code gateways} naming {@code
 * <gw-ns>/<gw-name>}, or {@code <gw-name>} from the Gateway's namespace) intersected with the
 * server's {@code hosts} ({@code *}, {@code ns/host}, {@code ./host}, wildcards), with domains
 * {@code <host>} and {@code <host>:<port>}. Several VirtualServices for one host are merged, the
 * oldest first, as Istio does on gateways.
 *
 * <ul>
 *   <li>HTTP, HTTP2 and gRPC servers are plaintext. {@code tls.httpsRedirect} turns the server's
 *       virtual hosts into a redirect to HTTPS (Envoy's {@code require_tls}, which Bowline's proxy
 *       does not take, does the same with a 301).
 *   <li>HTTPS servers with TLS mode SIMPLE (or MUTUAL) terminate TLS with the certificate and key
 *       files named by {@code serverCertificate} and {@code privateKey} (and {@code
 *       caCertificates}), ALPN {@code h2,http/1.1}. With several HTTPS servers on a port, each is
 *       a filter chain matched by SNI on its hosts; a single one takes every connection.
 *   <li>TCP servers: a {@code tcp_proxy} listener per port, from the {@code tcp} rules of the bound
 *       VirtualServices ({@link GatewayTcpListeners}).
 *   <li>TLS and HTTPS servers in PASSTHROUGH mode (Istio's default): routed by SNI through the
 *       {@code tls} rules of the bound VirtualServices, the connection proxied still encrypted
 *       ({@link GatewayTlsPassthroughListeners}).
 *   <li>Left out with a warning: ISTIO_MUTUAL and AUTO_PASSTHROUGH modes, and {@code
 *       credentialName} (SDS): Bowline's gateways take certificate files only.
 * </ul>
 *
 * Stateless.
 */
final class GatewayResources {

  private static final Logger log = LoggerFactory.getLogger(GatewayResources.class);

  private GatewayResources() {}

  /** One server of one Gateway. */
  record BoundServer(ConfigResource<Gateway> gateway, int index, Server server) {

    String ref() {
      return gateway.namespace() + "/" + gateway.name();
    }

    String where() {
      return gateway.key() + ": servers[" + index + "]";
    }

    String protocol() {
      String p = server.port().protocol();
      return p == null ? "" : p.toUpperCase(Locale.ROOT);
    }

    boolean plaintextHttp() {
      String p = protocol();
      return p.equals("HTTP") || p.equals("HTTP2") || p.equals("GRPC");
    }
  }

  /** The listeners and route configurations for a gateway proxy selected by {@code gateways}. */
  static ListenersAndRoutes build(
      PushIndex index,
      VirtualServiceRoutes rules,
      List<ConfigResource<Gateway>> gateways,
      String namespace,
      Map<String, String> labels) {
    TreeMap<Integer, List<BoundServer>> byPort = new TreeMap<>();
    for (ConfigResource<Gateway> g : gateways) {
      List<Server> servers = g.spec().servers();
      for (int i = 0; i < servers.size(); i++) {
        Server s = servers.get(i);
        if (s.port() == null || s.port().number() < 1 || s.port().number() > 65535) {
          log.warn("{}: servers[{}].port: missing or not a port number; server left out",
              g.key(), i);
          continue;
        }
        byPort.computeIfAbsent(s.port().number(), k -> new ArrayList<>())
            .add(new BoundServer(g, i, s));
      }
    }
    List<Listener> listeners = new ArrayList<>();
    List<RouteConfiguration> routes = new ArrayList<>();
    for (Map.Entry<Integer, List<BoundServer>> e : byPort.entrySet()) {
      int port = e.getKey();
      if (e.getValue().get(0).protocol().equals("TCP")) {
        GatewayTcpListeners.listener(index, rules, e.getValue(), port, namespace, labels)
            .ifPresent(listeners::add);
        continue;
      }
      if (GatewayTlsPassthroughListeners.passesThrough(e.getValue().get(0))) {
        GatewayTlsPassthroughListeners.listener(index, rules, e.getValue(), port, namespace, labels)
            .ifPresent(listeners::add);
        continue;
      }
      List<BoundServer> servers = usable(e.getValue(), port);
      if (servers.isEmpty()) {
        continue;
      }
      String routeName = "http." + port;
      RouteConfiguration rc =
          routeConfiguration(index, rules, servers, port, routeName, namespace, labels);
      routes.add(rc);
      listeners.add(listener(servers, port, routeName, HttpConnectionManagers.ROUTE_FILTERS));
    }
    return new ListenersAndRoutes(listeners, routes);
  }

  /**
   * The servers on one port Bowline can serve: all plaintext HTTP or all HTTPS (the first server
   * decides), with usable TLS settings.
   */
  private static List<BoundServer> usable(List<BoundServer> servers, int port) {
    List<BoundServer> out = new ArrayList<>();
    Boolean tls = null;
    for (BoundServer s : servers) {
      String protocol = s.protocol();
      boolean isHttp = s.plaintextHttp();
      boolean isHttps = protocol.equals("HTTPS");
      if (!isHttp && !isHttps) {
        log.warn("{}.port.protocol: {} servers are not supported by Bowline yet; left out",
            s.where(), protocol.isEmpty() ? "(missing)" : protocol);
        continue;
      }
      if (isHttps && !tlsUsable(s)) {
        continue;
      }
      if (tls == null) {
        tls = isHttps;
      } else if (tls != isHttps) {
        log.warn("{}: port {} already serves {}; this {} server is left out", s.where(), port,
            tls ? "HTTPS" : "plaintext HTTP", protocol);
        continue;
      }
      out.add(s);
    }
    return out;
  }

  private static boolean tlsUsable(BoundServer s) {
    ServerTls tls = s.server().tls();
    String where = s.where() + ".tls";
    if (tls == null) {
      log.warn("{}: an HTTPS server needs tls settings; left out", where);
      return false;
    }
    // Istio's default mode is PASSTHROUGH.
    String mode = tls.mode() == null ? "PASSTHROUGH" : tls.mode().toUpperCase(Locale.ROOT);
    if (mode.equals("PASSTHROUGH")) {
      log.warn("{}.mode: PASSTHROUGH{}, but this port terminates TLS (an earlier server's mode);"
          + " server left out", where, tls.mode() == null ? " (the default)" : "");
      return false;
    }
    if (!mode.equals("SIMPLE") && !mode.equals("MUTUAL")) {
      log.warn("{}.mode: {} is not supported by Bowline yet (SIMPLE, MUTUAL, PASSTHROUGH); server"
          + " left out", where, mode);
      return false;
    }
    if (isBlank(tls.serverCertificate()) || isBlank(tls.privateKey())) {
      log.warn("{}: serverCertificate and privateKey files are required ({}); server left out",
          where, isBlank(tls.credentialName()) ? "none given"
              : "credentialName (SDS) is not supported by Bowline yet");
      return false;
    }
    if (mode.equals("MUTUAL") && isBlank(tls.caCertificates())) {
      log.warn("{}.caCertificates: required with mode MUTUAL; server left out", where);
      return false;
    }
    return true;
  }

  private static RouteConfiguration routeConfiguration(
      PushIndex index,
      VirtualServiceRoutes rules,
      List<BoundServer> servers,
      int port,
      String routeName,
      String namespace,
      Map<String, String> labels) {
    TreeMap<String, List<Route>> vhosts = new TreeMap<>();
    Set<String> redirected = new HashSet<>();
    Map<String, Set<String>> contributors = new HashMap<>();
    Map<String, List<Route>> translated = new HashMap<>();
    for (BoundServer s : servers) {
      boolean redirect =
          s.plaintextHttp() && s.server().tls() != null && s.server().tls().httpsRedirect();
      RouteScope scope = new RouteScope(s.ref(), port, namespace, labels, false);
      if (redirect) {
        // Istio redirects the server's hosts even where no VirtualService is bound yet.
        for (String written : s.server().hosts()) {
          String host = written.substring(written.indexOf('/') + 1);
          try {
            host = Hostname.of(host).value();
          } catch (IllegalArgumentException e) {
            log.warn("{}.hosts: {}; left out", s.where(), e.getMessage());
            continue;
          }
          vhosts.computeIfAbsent(host, k -> new ArrayList<>());
          redirected.add(host);
        }
      }
      for (IndexedVirtualService vs : index.boundTo(s.ref(), namespace)) {
        for (Hostname vsHost : vs.hosts()) {
          for (String written : s.server().hosts()) {
            String host = intersect(written, s.gateway().namespace(), vs, vsHost);
            if (host == null) {
              continue;
            }
            List<Route> hostRoutes = vhosts.computeIfAbsent(host, k -> new ArrayList<>());
            if (redirect) {
              redirected.add(host);
            }
            if (contributors.computeIfAbsent(host, k -> new HashSet<>()).add(vs + "@" + s.ref())) {
              hostRoutes.addAll(
                  translated.computeIfAbsent(vs + "@" + s.ref(), k -> rules.routes(vs, scope)));
            }
          }
        }
      }
    }
    RouteConfiguration.Builder config = RouteConfiguration.newBuilder().setName(routeName);
    for (Map.Entry<String, List<Route>> v : vhosts.entrySet()) {
      String host = v.getKey();
      VirtualHost.Builder vhost = VirtualHost.newBuilder().setName(host + ":" + port);
      if (host.equals("*")) {
        vhost.addDomains("*");
      } else {
        vhost.addDomains(host).addDomains(host + ":" + port);
      }
      if (redirected.contains(host)) {
        vhost.addRoutes(
            Route.newBuilder()
                .setName("https-redirect")
                .setMatch(RouteMatches.catchAll())
                .setRedirect(RedirectAction.newBuilder().setHttpsRedirect(true)));
      } else {
        vhost.addAllRoutes(v.getValue());
      }
      config.addVirtualHosts(vhost);
    }
    return config.build();
  }

  /**
   * The host a server host and a VirtualService host have in common (the narrower of the two),
   * or null; a server host {@code ns/host} only admits VirtualServices of {@code ns} ({@code .}
   * is the Gateway's namespace, {@code *} any).
   */
  static String intersect(
      String written, String gatewayNamespace, IndexedVirtualService vs, Hostname vsHost) {
    String ns = "*";
    String host = written;
    int slash = written.indexOf('/');
    if (slash >= 0) {
      ns = written.substring(0, slash);
      host = written.substring(slash + 1);
      if (ns.equals(".")) {
        ns = gatewayNamespace;
      }
    }
    if (!ns.equals("*") && !ns.equals(vs.namespace())) {
      return null;
    }
    Hostname serverHost;
    try {
      serverHost = Hostname.of(host);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (serverHost.matches(vsHost)) {
      return vsHost.value();
    }
    return vsHost.matches(serverHost) ? serverHost.value() : null;
  }

  private static Listener listener(
      List<BoundServer> servers, int port, String routeName, List<String> routeFilters) {
    Listener.Builder listener =
        Listener.newBuilder()
            .setName("0.0.0.0_" + port)
            .setAddress(EnvoyAddresses.tcp("0.0.0.0", port));
    var hcm =
        HttpConnectionManagers.filter(
            HttpConnectionManagers.withRouteFilters(
                    HttpConnectionManagers.atEdge(
                        HttpConnectionManagers.rds("outbound_0.0.0.0_" + port, routeName)),
                    routeFilters)
                .build());
    if (servers.get(0).plaintextHttp()) {
      return listener.addFilterChains(FilterChain.newBuilder().addFilters(hcm)).build();
    }
    Set<Set<String>> seen = new HashSet<>();
    for (BoundServer s : servers) {
      Set<String> sni = servers.size() == 1 ? Set.of() : serverNames(s.server());
      if (!seen.add(sni)) {
        log.warn("{}: another HTTPS server on port {} already takes {}; server left out",
            s.where(), port, sni.isEmpty() ? "every connection" : "SNI " + sni);
        continue;
      }
      FilterChain.Builder chain = FilterChain.newBuilder();
      if (!sni.isEmpty()) {
        chain.setFilterChainMatch(FilterChainMatch.newBuilder().addAllServerNames(sni));
      }
      listener.addFilterChains(
          chain
              .setTransportSocket(
                  TransportSocket.newBuilder()
                      .setName("envoy.transport_sockets.tls")
                      .setTypedConfig(Any.pack(downstreamTls(s))))
              .addFilters(hcm));
    }
    return listener.build();
  }

  /** The SNI names of a server: its hosts without namespace; none (any) if one is {@code *}. */
  private static Set<String> serverNames(Server server) {
    Set<String> names = new TreeSet<>();
    for (String written : server.hosts()) {
      String host = written.substring(written.indexOf('/') + 1).toLowerCase(Locale.ROOT);
      if (host.equals("*")) {
        return Set.of();
      }
      names.add(host);
    }
    return names;
  }

  private static DownstreamTlsContext downstreamTls(BoundServer s) {
    ServerTls tls = s.server().tls();
    CommonTlsContext.Builder common =
        CommonTlsContext.newBuilder()
            .addTlsCertificates(
                TlsCertificate.newBuilder()
                    .setCertificateChain(file(tls.serverCertificate()))
                    .setPrivateKey(file(tls.privateKey())))
            .addAlpnProtocols("h2")
            .addAlpnProtocols("http/1.1");
    TlsParameters.Builder params = TlsParameters.newBuilder();
    TlsParameters.TlsProtocol min =
        version(tls.minProtocolVersion(), s.where() + ".tls.minProtocolVersion");
    TlsParameters.TlsProtocol max =
        version(tls.maxProtocolVersion(), s.where() + ".tls.maxProtocolVersion");
    if (min != null) {
      params.setTlsMinimumProtocolVersion(min);
    }
    if (max != null) {
      params.setTlsMaximumProtocolVersion(max);
    }
    if (min != null || max != null) {
      common.setTlsParams(params);
    }
    DownstreamTlsContext.Builder context = DownstreamTlsContext.newBuilder();
    if ("MUTUAL".equalsIgnoreCase(tls.mode())) {
      common.setValidationContext(
          CertificateValidationContext.newBuilder().setTrustedCa(file(tls.caCertificates())));
      context.setRequireClientCertificate(BoolValue.of(true));
    }
    return context.setCommonTlsContext(common).build();
  }

  /** A TLS version Bowline's proxy takes (1.2, 1.3), or null to keep its default. */
  private static TlsParameters.TlsProtocol version(String written, String where) {
    if (written == null || written.isEmpty() || written.equalsIgnoreCase("TLS_AUTO")) {
      return null;
    }
    switch (written.toUpperCase(Locale.ROOT)) {
      case "TLSV1_2":
        return TlsParameters.TlsProtocol.TLSv1_2;
      case "TLSV1_3":
        return TlsParameters.TlsProtocol.TLSv1_3;
      default:
        log.warn("{}: {} is not supported (Bowline speaks TLS 1.2 and 1.3); the default applies",
            where, written);
        return null;
    }
  }

  private static DataSource file(String path) {
    return DataSource.newBuilder().setFilename(path).build();
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
