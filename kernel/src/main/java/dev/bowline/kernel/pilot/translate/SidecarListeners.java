package dev.bowline.kernel.pilot.translate;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.kernel.pilot.translate.PeerAuthenticationModes.Mode;
import dev.bowline.spi.model.Protocol;
import dev.bowline.spi.model.Service;
import dev.bowline.spi.model.ServicePort;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sidecar's own listeners and its local cluster.
 *
 * <ul>
 *   <li>{@code virtualOutbound} on {@code 127.0.0.1:<outboundPort>}: the application's explicit
 *       HTTP proxy entry point, routing with RDS {@code outbound}. It listens on the loopback
 *       address only, so that it is not an open proxy for the network.
 *   <li>{@code virtualInbound} on {@code 0.0.0.0:<inboundPort>}, when the node announces an
 *       application port: an HTTP connection manager with the inline route configuration {@code
 *       inbound|<appPort>||} sending everything to the STATIC cluster {@code inbound|<appPort>||}
 *       at {@code 127.0.0.1:<appPort>} (no route timeout, as Istio), or a TCP proxy to it when the
 *       node's service port is TCP or TLS. The upstream speaks HTTP/2 when that port is HTTP2 or
 *       gRPC. Its filter chains follow the PeerAuthentication mode of the application port
 *       ({@link PeerAuthenticationModes}) when the proxy has a workload certificate ({@link
 *       MeshTls#hasIdentity}): {@code STRICT} one mutual TLS chain requiring a client certificate;
 *       {@code PERMISSIVE} the {@code tls_inspector} and a mutual TLS chain for {@code tls}
 *       connections beside a plaintext one for {@code raw_buffer}; {@code DISABLE} plaintext. A
 *       proxy without a certificate serves plaintext, or nothing at all under {@code STRICT}. The
 *       application gets the verified client's identity in {@code x-forwarded-client-cert}
 *       ({@code APPEND_FORWARD} with subject, URI and DNS, as Istio).
 * </ul>
 *
 * Stateless.
 */
final class SidecarListeners {

  static final String OUTBOUND = "virtualOutbound";
  static final String INBOUND = "virtualInbound";

  private static final Logger log = LoggerFactory.getLogger(SidecarListeners.class);

  private SidecarListeners() {}

  /** The inbound listener and the cluster it sends to. */
  record Inbound(Listener listener, Cluster cluster) {}

  /** {@code virtualOutbound}, listing the route filters ({@code routeFilters}) its routes use. */
  static Listener outbound(ProxyNode node, List<String> routeFilters) {
    int port = node.outboundPort();
    return outboundHttp(OUTBOUND, "127.0.0.1", port, "outbound_0.0.0.0_" + port, routeFilters);
  }

  /**
   * An HTTP listener named {@code name} on {@code address:port} routing with the sidecar's RDS
   * {@code outbound}, as {@code virtualOutbound} does, its statistics under {@code statPrefix}.
   */
  static Listener outboundHttp(
      String name, String address, int port, String statPrefix, List<String> routeFilters) {
    return Listener.newBuilder()
        .setName(name)
        .setAddress(EnvoyAddresses.tcp(address, port))
        .addFilterChains(
            FilterChain.newBuilder()
                .addFilters(
                    HttpConnectionManagers.filter(
                        HttpConnectionManagers.withRouteFilters(
                                HttpConnectionManagers.rds(statPrefix, SidecarOutboundRoutes.NAME),
                                routeFilters)
                            .build())))
        .build();
  }

  /** {@code virtualInbound} and its cluster, when the node has an application port. */
  static Optional<Inbound> inbound(ProxyNode node, PushIndex index) {
    if (node.appPort().isEmpty()) {
      return Optional.empty();
    }
    int appPort = node.appPort().getAsInt();
    Protocol protocol = servicePort(node, index).map(ServicePort::protocol).orElse(Protocol.HTTP);
    String clusterName = ClusterNames.inbound(appPort);
    Cluster.Builder cluster =
        Cluster.newBuilder()
            .setName(clusterName)
            .setType(Cluster.DiscoveryType.STATIC)
            .setConnectTimeout(IstioDurations.toProto(OutboundClusters.DEFAULT_CONNECT_TIMEOUT))
            .setCircuitBreakers(
                CircuitBreakers.newBuilder()
                    .addThresholds(
                        CircuitBreakers.Thresholds.newBuilder()
                            .setMaxConnections(UInt32Value.of(OutboundClusters.UNLIMITED))
                            .setMaxPendingRequests(UInt32Value.of(OutboundClusters.UNLIMITED))
                            .setMaxRequests(UInt32Value.of(OutboundClusters.UNLIMITED))
                            .setMaxRetries(UInt32Value.of(OutboundClusters.UNLIMITED))))
            .setLoadAssignment(
                ClusterLoadAssignment.newBuilder()
                    .setClusterName(clusterName)
                    .addEndpoints(
                        LocalityLbEndpoints.newBuilder()
                            .addLbEndpoints(
                                LbEndpoint.newBuilder()
                                    .setEndpoint(
                                        Endpoint.newBuilder()
                                            .setAddress(
                                                EnvoyAddresses.tcp(
                                                    "127.0.0.1", appPort))))));
    OutboundClusters.upstreamHttpOptions(protocol, null, clusterName)
        .ifPresent(
            o ->
                cluster.putTypedExtensionProtocolOptions(
                    OutboundClusters.HTTP_PROTOCOL_OPTIONS_KEY, Any.pack(o)));
    Filter filter;
    if (protocol.isHttp()) {
      RouteConfiguration routes =
          RouteConfiguration.newBuilder()
              .setName(clusterName)
              .addVirtualHosts(
                  VirtualHost.newBuilder()
                      .setName("inbound|http|" + appPort)
                      .addDomains("*")
                      .addRoutes(
                          Route.newBuilder()
                              .setName("default")
                              .setMatch(RouteMatches.catchAll())
                              .setRoute(
                                  RouteAction.newBuilder()
                                      .setCluster(clusterName)
                                      .setTimeout(VirtualServiceRoutes.NO_TIMEOUT))))
              .build();
      filter =
          HttpConnectionManagers.filter(
              HttpConnectionManagers.inline("inbound_0.0.0.0_" + node.inboundPort(), routes)
                  // As Istio: the application learns the verified peer of a mutual TLS connection.
                  .setForwardClientCertDetails(
                      HttpConnectionManager.ForwardClientCertDetails.APPEND_FORWARD)
                  .setSetCurrentClientCertDetails(
                      HttpConnectionManager.SetCurrentClientCertDetails.newBuilder()
                          .setSubject(BoolValue.of(true))
                          .setDns(true)
                          .setUri(true))
                  .build());
    } else {
      filter = TcpProxies.filter(TcpProxies.toCluster(clusterName));
    }
    Listener.Builder listener =
        Listener.newBuilder()
            .setName(INBOUND)
            .setAddress(EnvoyAddresses.tcp("0.0.0.0", node.inboundPort()));
    Mode mode = index.peerAuthentication().mode(node.namespace(), node.labels(), appPort);
    FilterChain plaintext = FilterChain.newBuilder().addFilters(filter).build();
    if (!MeshTls.hasIdentity(node)) {
      if (mode == Mode.STRICT) {
        log.warn("proxy {}: PeerAuthentication asks for STRICT mutual TLS on port {} but the proxy"
            + " has no workload certificate; it accepts no inbound connection", node.id(), appPort);
        return Optional.empty();
      }
      listener.addFilterChains(plaintext);
      return Optional.of(new Inbound(listener.build(), cluster.build()));
    }
    FilterChain.Builder mutual =
        FilterChain.newBuilder()
            .addFilters(filter)
            .setTransportSocket(MeshTls.istioMutualServer(protocol));
    switch (mode) {
      case DISABLE -> listener.addFilterChains(plaintext);
      case STRICT -> listener.addFilterChains(mutual);
      case PERMISSIVE -> listener
          .addListenerFilters(
              ListenerFilter.newBuilder()
                  .setName("envoy.filters.listener.tls_inspector")
                  .setTypedConfig(Any.pack(TlsInspector.getDefaultInstance())))
          .addFilterChains(
              mutual.setFilterChainMatch(FilterChainMatch.newBuilder().setTransportProtocol("tls")))
          .addFilterChains(
              plaintext.toBuilder()
                  .setFilterChainMatch(
                      FilterChainMatch.newBuilder().setTransportProtocol("raw_buffer")));
    }
    return Optional.of(new Inbound(listener.build(), cluster.build()));
  }

  /**
   * The port of the node's service that reaches its application port: the service {@code
   * <service>.<namespace>.svc.<suffix>} (or, failing that, the service of the node's namespace
   * whose first label is the service name); its port whose target port, else number, is the
   * application port, else its only port.
   */
  static Optional<ServicePort> servicePort(ProxyNode node, PushIndex index) {
    if (node.service().isEmpty() || node.appPort().isEmpty()) {
      return Optional.empty();
    }
    int appPort = node.appPort().getAsInt();
    Optional<Service> service =
        index.service(index.mesh().qualify(node.service(), node.namespace()));
    if (service.isEmpty()) {
      String prefix = node.service() + ".";
      service =
          index.services().stream()
              .filter(s -> s.namespace().equals(node.namespace()))
              .filter(s -> s.hostname().value().startsWith(prefix))
              .findFirst();
    }
    if (service.isEmpty()) {
      return Optional.empty();
    }
    Service s = service.get();
    Optional<ServicePort> port =
        s.ports().stream().filter(p -> p.targetPort() == appPort).findFirst();
    if (port.isEmpty()) {
      port = s.port(appPort);
    }
    if (port.isEmpty() && s.ports().size() == 1) {
      port = Optional.of(s.ports().get(0));
    }
    return port;
  }
}
