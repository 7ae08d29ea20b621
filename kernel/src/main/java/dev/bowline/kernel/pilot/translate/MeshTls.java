package dev.bowline.kernel.pilot.translate;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.bowline.kernel.pilot.istio.DestinationRule.ClientTls;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.spi.model.Protocol;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.List;
import java.util.Map;

/**
 * The TLS pieces of the mesh as Istio writes them for Envoy: the workload certificate and the
 * trust bundle referenced by their SDS names ({@code default}, {@code ROOTCA}, fetched from the
 * proxy's own agent), client contexts for {@code ISTIO_MUTUAL} with the destination's identities
 * as accepted subject alternative names (secure naming), client contexts from files for {@code
 * SIMPLE} and {@code MUTUAL}, the server context of an inbound listener, and automatic mutual TLS:
 * {@code transport_socket_matches} choosing mutual TLS for endpoints whose metadata says they have
 * a sidecar. Stateless.
 */
final class MeshTls {

  /** The label Istio puts on workloads that have a sidecar ({@link ProxyNode#TLS_MODE_LABEL}). */
  static final String TLS_MODE_LABEL = ProxyNode.TLS_MODE_LABEL;

  /** Its value for a workload with a sidecar that speaks the mesh's mutual TLS. */
  static final String TLS_MODE_ISTIO = ProxyNode.TLS_MODE_ISTIO;

  /** Where Envoy looks up {@code transport_socket_matches} criteria in endpoint metadata. */
  static final String SOCKET_MATCH_FILTER = "envoy.transport_socket_match";

  static final String TLS_SOCKET = "envoy.transport_sockets.tls";

  private static final ConfigSource AGENT =
      ConfigSource.newBuilder()
          .setAds(AggregatedConfigSource.getDefaultInstance())
          .setResourceApiVersion(ApiVersion.V3)
          .build();

  private MeshTls() {}

  /**
   * Whether {@code node} has a workload certificate to speak the mesh's mutual TLS with: its proxy
   * announces the label {@code security.istio.io/tlsMode: istio} (as Istio's sidecars carry it)
   * when it runs with a workload identity.
   */
  static boolean hasIdentity(ProxyNode node) {
    return TLS_MODE_ISTIO.equals(node.labels().get(TLS_MODE_LABEL));
  }

  /** Whether an endpoint with these labels has a sidecar that speaks the mesh's mutual TLS. */
  static boolean speaksMeshTls(Map<String, String> endpointLabels) {
    return TLS_MODE_ISTIO.equals(endpointLabels.get(TLS_MODE_LABEL));
  }

  /** The metadata that makes an endpoint match the {@code tlsMode-istio} socket. */
  static Metadata meshEndpointMetadata() {
    return Metadata.newBuilder()
        .putFilterMetadata(SOCKET_MATCH_FILTER, Struct.newBuilder()
            .putFields("tlsMode", Value.newBuilder().setStringValue(TLS_MODE_ISTIO).build())
            .build())
        .build();
  }

  /**
   * Istio's automatic mutual TLS on a cluster: endpoints with a sidecar get {@code ISTIO_MUTUAL},
   * the others plaintext.
   */
  static void autoMutual(Cluster.Builder cluster, List<String> identities, Protocol protocol) {
    cluster.addTransportSocketMatches(
        Cluster.TransportSocketMatch.newBuilder()
            .setName("tlsMode-istio")
            .setMatch(Struct.newBuilder()
                .putFields("tlsMode", Value.newBuilder().setStringValue(TLS_MODE_ISTIO).build()))
            .setTransportSocket(istioMutualClient(identities, protocol)));
    cluster.addTransportSocketMatches(
        Cluster.TransportSocketMatch.newBuilder()
            .setName("tlsMode-disabled")
            .setMatch(Struct.getDefaultInstance())
            .setTransportSocket(
                TransportSocket.newBuilder().setName("envoy.transport_sockets.raw_buffer")));
  }

  /**
   * The client side of {@code ISTIO_MUTUAL}: the server must present one of {@code identities} (any
   * identity the trust bundle vouches for when empty).
   */
  static TransportSocket istioMutualClient(List<String> identities, Protocol protocol) {
    CertificateValidationContext.Builder accepted = CertificateValidationContext.newBuilder();
    for (String id : identities) {
      accepted.addMatchSubjectAltNames(StringMatcher.newBuilder().setExact(id));
    }
    CommonTlsContext.Builder common =
        workloadCertificate()
            .setCombinedValidationContext(
                CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
                    .setDefaultValidationContext(accepted)
                    .setValidationContextSdsSecretConfig(sds("ROOTCA")));
    common.addAllAlpnProtocols(alpn(protocol));
    return socket(UpstreamTlsContext.newBuilder().setCommonTlsContext(common).build());
  }

  /**
   * The client side of {@code SIMPLE} or {@code MUTUAL}: the server verified with {@code
   * caCertificates} (else the proxy's default trust store) and {@code subjectAltNames}; {@code
   * sni}, else the destination's host; the client certificate for {@code MUTUAL}.
   */
  static TransportSocket fileClient(ClientTls tls, String host, Protocol protocol) {
    CommonTlsContext.Builder common = CommonTlsContext.newBuilder();
    CertificateValidationContext.Builder validation = CertificateValidationContext.newBuilder();
    if (tls.caCertificates() != null) {
      validation.setTrustedCa(DataSource.newBuilder().setFilename(tls.caCertificates()));
    }
    for (String san : tls.subjectAltNames()) {
      validation.addMatchSubjectAltNames(StringMatcher.newBuilder().setExact(san));
    }
    if (tls.caCertificates() != null || !tls.subjectAltNames().isEmpty()) {
      common.setValidationContext(validation);
    }
    if ("MUTUAL".equals(tls.mode()) && tls.clientCertificate() != null) {
      common.addTlsCertificates(
          TlsCertificate.newBuilder()
              .setCertificateChain(DataSource.newBuilder().setFilename(tls.clientCertificate()))
              .setPrivateKey(DataSource.newBuilder().setFilename(tls.privateKey())));
    }
    common.addAllAlpnProtocols(alpn(protocol));
    String sni = tls.sni() != null ? tls.sni() : host;
    return socket(UpstreamTlsContext.newBuilder().setCommonTlsContext(common).setSni(sni).build());
  }

  /**
   * The server side of the mesh's mutual TLS on an inbound listener: a client certificate is
   * required.
   */
  static TransportSocket istioMutualServer(Protocol protocol) {
    CommonTlsContext.Builder common =
        workloadCertificate().setValidationContextSdsSecretConfig(sds("ROOTCA"));
    if (protocol.isHttp()) {
      common.addAlpnProtocols("h2").addAlpnProtocols("http/1.1");
    }
    return TransportSocket.newBuilder()
        .setName(TLS_SOCKET)
        .setTypedConfig(Any.pack(DownstreamTlsContext.newBuilder()
            .setCommonTlsContext(common)
            .setRequireClientCertificate(BoolValue.of(true))
            .build()))
        .build();
  }

  private static CommonTlsContext.Builder workloadCertificate() {
    return CommonTlsContext.newBuilder().addTlsCertificateSdsSecretConfigs(sds("default"));
  }

  private static SdsSecretConfig sds(String name) {
    return SdsSecretConfig.newBuilder().setName(name).setSdsConfig(AGENT).build();
  }

  private static List<String> alpn(Protocol protocol) {
    return switch (protocol) {
      case HTTP2, GRPC -> List.of("h2");
      case HTTP -> List.of("http/1.1");
      default -> List.of();
    };
  }

  private static TransportSocket socket(UpstreamTlsContext context) {
    return TransportSocket.newBuilder().setName(TLS_SOCKET).setTypedConfig(Any.pack(context)).build();
  }
}
