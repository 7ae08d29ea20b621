package dev.bowline.kernel.pilot.translate;

import static dev.bowline.kernel.pilot.translate.RouteFiltersTranslationTest.unpack;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.model.HealthStatus;
import dev.bowline.spi.model.Hostname;
import dev.bowline.spi.model.Locality;
import dev.bowline.spi.model.MeshLocation;
import dev.bowline.spi.model.Protocol;
import dev.bowline.spi.model.Service;
import dev.bowline.spi.model.ServicePort;
import dev.bowline.spi.platform.PlatformSnapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The mesh's mutual TLS as Pilot writes it: DestinationRule {@code tls} modes and automatic mutual
 * TLS on clusters (secure naming from the service's identities), the endpoint metadata that picks
 * mutual TLS, PeerAuthentication on the inbound listener, and what proxies without a workload
 * certificate and proxyless clients get instead.
 */
class MeshTlsTranslationTest {

  static final String API = "api.shop.svc.cluster.local";
  static final String DB = "db.shop.svc.cluster.local";
  static final String PAYMENTS = "payments.example.com";
  static final List<String> API_IDS =
      List.of("spiffe://cluster.local/ns/shop/sa/api", "spiffe://cluster.local/ns/shop/sa/api-canary");
  static final Map<String, String> WITH_IDENTITY = Map.of(MeshTls.TLS_MODE_LABEL, "istio");

  static PlatformSnapshot registry() {
    Service api = new Service(Hostname.of(API), "shop",
        List.of(ServicePort.of("http", 80, Protocol.HTTP)), Map.of(), MeshLocation.MESH_INTERNAL,
        API_IDS);
    Service db = new Service(Hostname.of(DB), "shop",
        List.of(ServicePort.of("tcp", 5432, Protocol.TCP)), Map.of(), MeshLocation.MESH_INTERNAL,
        List.of("spiffe://cluster.local/ns/shop/sa/db"));
    Service payments = new Service(Hostname.of(PAYMENTS), "shop",
        List.of(ServicePort.of("https", 443, Protocol.TCP)), Map.of(), MeshLocation.MESH_EXTERNAL);
    Map<Hostname, Map<String, List<Endpoint>>> endpoints = new HashMap<>();
    endpoints.put(Hostname.of(API), Map.of("http", List.of(
        new Endpoint("10.1.0.1", 15006, WITH_IDENTITY, Locality.UNKNOWN, 1, HealthStatus.HEALTHY),
        new Endpoint("10.1.0.2", 8080, Map.of(), Locality.UNKNOWN, 1, HealthStatus.HEALTHY))));
    return new PlatformSnapshot(List.of(api, db, payments), endpoints, List.of());
  }

  static final String RULES =
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: db, namespace: shop}
      spec:
        host: db
        trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: payments, namespace: shop}
      spec:
        host: payments.example.com
        trafficPolicy:
          tls:
            mode: MUTUAL
            clientCertificate: /etc/payments/client.pem
            privateKey: /etc/payments/client-key.pem
            caCertificates: /etc/payments/ca.pem
            subjectAltNames: [payments.example.com]
      """;

  static ProxyNode node(String workload, Map<String, String> labels, int appPort) {
    return new ProxyNode(
        ProxyNode.nodeId(ProxyNode.Type.SIDECAR, "10.0.9.9", workload, "shop", "cluster.local"),
        ProxyNode.Type.SIDECAR, "10.0.9.9", workload, "shop", workload, labels,
        appPort == 0 ? "" : "api", appPort == 0 ? OptionalInt.empty() : OptionalInt.of(appPort),
        15006, 15001);
  }

  static ProxyResources translate(ConfigFixtures config, ProxyNode node) {
    PushContext context = new PushContext(config.snapshot(), registry(), MeshSettings.DEFAULTS);
    return new XdsTranslator().translate(node, context);
  }

  private static Cluster cluster(ProxyResources r, String name) {
    return r.clusters().stream().filter(c -> c.getName().equals(name)).findFirst().orElse(null);
  }

  private static List<String> sans(UpstreamTlsContext tls) {
    var v = tls.getCommonTlsContext().hasCombinedValidationContext()
        ? tls.getCommonTlsContext().getCombinedValidationContext().getDefaultValidationContext()
        : tls.getCommonTlsContext().getValidationContext();
    return v.getMatchSubjectAltNamesList().stream().map(StringMatcher::getExact).toList();
  }

  private static void assertWorkloadSecrets(io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext common) {
    assertThat(common.getTlsCertificateSdsSecretConfigsList()).singleElement()
        .satisfies(s -> assertThat(s.getName()).isEqualTo("default"));
    String bundle = common.hasCombinedValidationContext()
        ? common.getCombinedValidationContext().getValidationContextSdsSecretConfig().getName()
        : common.getValidationContextSdsSecretConfig().getName();
    assertThat(bundle).isEqualTo("ROOTCA");
  }

  @Test
  void clustersCarryTheDestinationRuleModeOrAutomaticMutualTls() {
    ProxyResources r = translate(new ConfigFixtures().add(RULES), node("client", WITH_IDENTITY, 0));

    UpstreamTlsContext db = unpack(cluster(r, "outbound|5432||" + DB).getTransportSocket()
        .getTypedConfig(), UpstreamTlsContext.class);
    assertWorkloadSecrets(db.getCommonTlsContext());
    assertThat(sans(db)).as("secure naming").containsExactly("spiffe://cluster.local/ns/shop/sa/db");

    Cluster api = cluster(r, "outbound|80||" + API);
    assertThat(api.hasTransportSocket()).isFalse();
    assertThat(api.getTransportSocketMatchesList()).extracting(Cluster.TransportSocketMatch::getName)
        .containsExactly("tlsMode-istio", "tlsMode-disabled");
    Cluster.TransportSocketMatch istio = api.getTransportSocketMatches(0);
    assertThat(istio.getMatch().getFieldsOrThrow("tlsMode").getStringValue()).isEqualTo("istio");
    UpstreamTlsContext auto = unpack(istio.getTransportSocket().getTypedConfig(), UpstreamTlsContext.class);
    assertWorkloadSecrets(auto.getCommonTlsContext());
    assertThat(sans(auto)).containsExactlyElementsOf(API_IDS);
    assertThat(auto.getCommonTlsContext().getAlpnProtocolsList()).containsExactly("http/1.1");
    assertThat(api.getTransportSocketMatches(1).getMatch().getFieldsCount()).isZero();

    UpstreamTlsContext payments = unpack(cluster(r, "outbound|443||" + PAYMENTS).getTransportSocket()
        .getTypedConfig(), UpstreamTlsContext.class);
    assertThat(payments.getSni()).isEqualTo(PAYMENTS);
    assertThat(payments.getCommonTlsContext().getValidationContext().getTrustedCa().getFilename())
        .isEqualTo("/etc/payments/ca.pem");
    assertThat(sans(payments)).containsExactly(PAYMENTS);
    assertThat(payments.getCommonTlsContext().getTlsCertificates(0).getCertificateChain().getFilename())
        .isEqualTo("/etc/payments/client.pem");
    assertThat(cluster(r, "outbound|443||" + PAYMENTS).getTransportSocketMatchesCount())
        .as("no automatic mutual TLS to a service outside the mesh").isZero();

    ClusterLoadAssignment apiEndpoints = r.endpoints().stream()
        .filter(c -> c.getClusterName().equals("outbound|80||" + API)).findFirst().orElseThrow();
    List<LbEndpoint> eps = apiEndpoints.getEndpoints(0).getLbEndpointsList();
    assertThat(eps).extracting(e -> e.getMetadata().getFilterMetadataMap()
            .containsKey(MeshTls.SOCKET_MATCH_FILTER))
        .as("only the endpoint with a sidecar is marked for mutual TLS").containsExactly(true, false);
  }

  @Test
  void aProxyWithoutCertificateReachesEndpointsInPlaintextAndCannotReachIstioMutualOnes()
      throws Exception {
    ProxyResources r = translate(new ConfigFixtures().add(RULES), node("client", Map.of(), 0));
    assertThat(cluster(r, "outbound|5432||" + DB)).isNull();
    assertThat(cluster(r, "outbound|80||" + API).getTransportSocketMatchesCount()).isZero();
    assertThat(cluster(r, "outbound|443||" + PAYMENTS).hasTransportSocket())
        .as("TLS from files needs no workload certificate").isTrue();
    // The proxy takes all of it, the endpoints' transport-socket metadata included.
    ProxyAcceptance.check(r);
  }

  @Test
  void proxylessClientsGetNoClusterThatNeedsTls() {
    PushContext context = new PushContext(new ConfigFixtures().add(RULES).snapshot(), registry(),
        MeshSettings.DEFAULTS);
    ProxyResources r = new XdsTranslator().translate(Bookinfo.proxyless("shop"), context);
    assertThat(r.clusters()).extracting(Cluster::getName)
        .containsExactly("outbound|80||" + API);
    assertThat(r.clusters().get(0).getTransportSocketMatchesCount()).isZero();
  }

  private static Listener inbound(String config, Map<String, String> labels) {
    ConfigFixtures fixtures = new ConfigFixtures();
    if (!config.isEmpty()) {
      fixtures.add(config);
    }
    return translate(fixtures, node("api-1", labels, 8080)).listeners().stream()
        .filter(l -> l.getName().equals(SidecarListeners.INBOUND)).findFirst().orElse(null);
  }

  private static String peerAuthentication(String namespace, String spec) {
    return """
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: pa-%s, namespace: %s}
        spec:
        %s
        """.formatted(Math.abs(spec.hashCode()), namespace, spec.indent(2));
  }

  private static boolean mutual(FilterChain chain) {
    if (!chain.hasTransportSocket()) {
      return false;
    }
    DownstreamTlsContext tls = unpack(chain.getTransportSocket().getTypedConfig(), DownstreamTlsContext.class);
    assertWorkloadSecrets(tls.getCommonTlsContext());
    assertThat(tls.getRequireClientCertificate().getValue()).isTrue();
    return true;
  }

  @Test
  void theInboundListenerFollowsPeerAuthentication() {
    Map<String, String> labels = new HashMap<>(WITH_IDENTITY);
    labels.put("app", "api");

    Listener permissive = inbound("", labels);
    assertThat(permissive.getListenerFiltersList()).extracting(f -> f.getName())
        .containsExactly("envoy.filters.listener.tls_inspector");
    assertThat(permissive.getFilterChainsList())
        .extracting(c -> c.getFilterChainMatch().getTransportProtocol() + "=" + mutual(c))
        .as("Istio's default is PERMISSIVE").containsExactly("tls=true", "raw_buffer=false");

    Listener strict = inbound(peerAuthentication("istio-system", "mtls: {mode: STRICT}"), labels);
    assertThat(strict.getFilterChainsList()).extracting(MeshTlsTranslationTest::mutual)
        .as("mesh-wide STRICT").containsExactly(true);
    assertThat(strict.getListenerFiltersCount()).isZero();

    String layered = peerAuthentication("istio-system", "mtls: {mode: STRICT}") + "---\n"
        + peerAuthentication("shop", "mtls: {mode: DISABLE}") + "---\n"
        + peerAuthentication("shop", """
            selector: {matchLabels: {app: api}}
            mtls: {mode: UNSET}
            portLevelMtls: {"9090": {mode: STRICT}}""");
    assertThat(inbound(layered, labels).getFilterChainsList()).extracting(MeshTlsTranslationTest::mutual)
        .as("the namespace's DISABLE: the workload's mode is UNSET and its port rule is another port")
        .containsExactly(false);
    assertThat(inbound(layered.replace("\"9090\"", "\"8080\""), labels).getFilterChainsList())
        .extracting(MeshTlsTranslationTest::mutual).as("the workload's port rule wins")
        .containsExactly(true);

    assertThat(inbound(peerAuthentication("shop", "mtls: {mode: STRICT}"), Map.of("app", "api")))
        .as("STRICT without a workload certificate accepts nothing").isNull();
    assertThat(inbound("", Map.of("app", "api")).getFilterChainsList())
        .extracting(MeshTlsTranslationTest::mutual).containsExactly(false);
  }
}
