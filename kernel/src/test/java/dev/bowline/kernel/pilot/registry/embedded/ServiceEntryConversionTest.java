package dev.bowline.kernel.pilot.registry.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bowline.kernel.pilot.config.ConfigKey;
import dev.bowline.kernel.pilot.config.ConfigKind;
import dev.bowline.kernel.pilot.config.ConfigResource;
import dev.bowline.kernel.pilot.config.ConfigSnapshot;
import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.model.Hostname;
import dev.bowline.spi.model.Locality;
import dev.bowline.spi.model.MeshLocation;
import dev.bowline.spi.model.Protocol;
import dev.bowline.spi.model.Service;
import dev.bowline.spi.platform.PlatformSnapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ServiceEntryConversionTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private final Map<ConfigKey, ConfigResource<?>> resources = new HashMap<>();
  private long revision;

  @Test
  void staticServiceEntryBecomesAServiceWithItsEndpoints() throws Exception {
    add(ConfigKind.SERVICE_ENTRY, "default", "payments", """
        hosts: [payments.example.internal]
        location: MESH_INTERNAL
        resolution: STATIC
        ports:
        - {number: 8080, name: http-api, protocol: HTTP, targetPort: 9090}
        - {number: 9000, name: grpc}
        endpoints:
        - {address: 10.0.0.1, labels: {version: v1}}
        - {address: 10.0.0.2, ports: {http-api: 9191}, weight: 3, locality: eu/west-1/a}
        - {address: payments-3.example.internal}
        """);

    PlatformSnapshot snapshot = convert(List.of());

    Hostname host = Hostname.of("payments.example.internal");
    Service service = snapshot.services().get(0);
    assertThat(service.hostname()).isEqualTo(host);
    assertThat(service.location()).isEqualTo(MeshLocation.MESH_INTERNAL);
    assertThat(service.port("http-api").orElseThrow().protocol()).isEqualTo(Protocol.HTTP);
    assertThat(service.port("grpc").orElseThrow().protocol()).isEqualTo(Protocol.GRPC);
    List<Endpoint> http = snapshot.endpoints(host, "http-api");
    assertThat(http).extracting(Endpoint::authority).containsExactly("10.0.0.1:9090", "10.0.0.2:9191");
    assertThat(http.get(0).labels()).containsEntry("version", "v1");
    assertThat(http.get(1).weight()).isEqualTo(3);
    assertThat(http.get(1).locality().region()).isEqualTo("eu");
    assertThat(snapshot.endpoints(host, "grpc")).extracting(Endpoint::authority)
        .containsExactly("10.0.0.1:9000", "10.0.0.2:9000");
  }

  @Test
  void workloadSelectorPicksWorkloadEntriesAndSidecarsOfItsNamespace() throws Exception {
    add(ConfigKind.SERVICE_ENTRY, "shop", "cart", """
        hosts: [cart]
        resolution: STATIC
        ports: [{number: 80, name: http}]
        workloadSelector: {labels: {app: cart}}
        """);
    add(ConfigKind.WORKLOAD_ENTRY, "shop", "cart-vm-1", """
        address: 10.1.0.7
        labels: {app: cart, version: v1}
        serviceAccount: cart
        """);
    add(ConfigKind.WORKLOAD_ENTRY, "other", "cart-elsewhere", """
        address: 10.1.0.8
        labels: {app: cart}
        """);

    PlatformSnapshot snapshot =
        convert(List.of(sidecar("cart-v2", "shop", "", Map.of("app", "cart", "version", "v2"), 15106)));

    Hostname host = Hostname.of("cart.shop.svc.cluster.local");
    assertThat(snapshot.endpoints(host, "http")).extracting(Endpoint::authority)
        .containsExactly("10.1.0.7:80", "127.0.0.1:15106");
    assertThat(snapshot.workloads()).extracting(w -> w.namespace() + "/" + w.name())
        .containsExactlyInAnyOrder("shop/cart-vm-1", "other/cart-elsewhere", "shop/cart-v2");
  }

  @Test
  void aServiceMayBeServedByTheIdentitiesOfItsWorkloadsAndItsDeclaredNames() throws Exception {
    add(ConfigKind.SERVICE_ENTRY, "shop", "cart", """
        hosts: [cart]
        resolution: STATIC
        ports: [{number: 80, name: http}]
        workloadSelector: {labels: {app: cart}}
        subjectAltNames: ["spiffe://cluster.local/ns/legacy/sa/cart"]
        """);
    add(ConfigKind.WORKLOAD_ENTRY, "shop", "cart-vm-1", """
        address: 10.1.0.7
        labels: {app: cart}
        serviceAccount: cart-vm
        """);
    add(ConfigKind.WORKLOAD_ENTRY, "shop", "cart-vm-2", """
        address: 10.1.0.8
        labels: {app: cart}
        """);
    add(ConfigKind.WORKLOAD_ENTRY, "shop", "not-cart", """
        address: 10.1.0.9
        labels: {app: checkout}
        serviceAccount: checkout
        """);

    ProxyNode sidecar = sidecar("cart-v2", "shop", "", Map.of("app", "cart"), 15106);
    PlatformSnapshot snapshot = convert(List.of(sidecar));

    assertThat(snapshot.services()).singleElement().satisfies(s ->
        assertThat(s.subjectAltNames()).containsExactly(
            "spiffe://cluster.local/ns/legacy/sa/cart",
            "spiffe://cluster.local/ns/shop/sa/" + sidecar.serviceAccount(),
            "spiffe://cluster.local/ns/shop/sa/cart-vm",
            "spiffe://cluster.local/ns/shop/sa/default"));
    assertThat(convert(List.of(sidecar("reviews-v1", "default", "reviews", Map.of(), 15206)))
        .services().stream().filter(s -> s.hostname().value().startsWith("reviews."))
        .findFirst().orElseThrow().subjectAltNames())
        .as("a service a sidecar creates by registering")
        .containsExactly("spiffe://cluster.local/ns/default/sa/reviews-v1");
  }

  @Test
  void aSelfRegisteredSidecarCreatesItsServiceReachedThroughTheInboundPort() {
    PlatformSnapshot snapshot =
        convert(List.of(
            sidecar("reviews-v1", "default", "reviews", Map.of("version", "v1"), 15106),
            sidecar("reviews-v2", "default", "reviews", Map.of("version", "v2"), 15206)));

    Hostname host = Hostname.of("reviews.default.svc.cluster.local");
    assertThat(snapshot.services()).singleElement().satisfies(s -> {
      assertThat(s.hostname()).isEqualTo(host);
      assertThat(s.ports()).singleElement().satisfies(p -> {
        assertThat(p.name()).isEqualTo("http");
        assertThat(p.number()).isEqualTo(9080);
      });
    });
    assertThat(snapshot.endpoints(host, "http"))
        .extracting(Endpoint::authority, e -> e.labels().get("version"))
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("127.0.0.1:15106", "v1"),
            org.assertj.core.groups.Tuple.tuple("127.0.0.1:15206", "v2"));
  }

  @Test
  void aSelfRegisteredEndpointIsInItsNodesLocality() {
    ProxyNode base = sidecar("reviews-v1", "default", "reviews", Map.of(), 15106);
    ProxyNode inZoneA =
        new ProxyNode(base.id(), base.type(), base.ip(), base.workloadName(), base.namespace(),
            base.serviceAccount(), base.labels(), base.service(), base.appPort(),
            base.inboundPort(), base.outboundPort(), new Locality("eu", "eu-west-1", "a"));
    ProxyNode fromLabels =
        sidecar("reviews-v2", "default", "reviews",
            Map.of(ProxyNode.REGION_LABEL, "us", ProxyNode.ZONE_LABEL, "us-east-1"), 15206);

    PlatformSnapshot snapshot = convert(List.of(inZoneA, fromLabels));

    assertThat(snapshot.endpoints(Hostname.of("reviews.default.svc.cluster.local"), "http"))
        .extracting(Endpoint::locality)
        .containsExactly(new Locality("eu", "eu-west-1", "a"), new Locality("us", "us-east-1", ""));
  }

  @Test
  void theOlderServiceEntryWinsAHostAndResolutionNoneHasNoEndpoints() throws Exception {
    add(ConfigKind.SERVICE_ENTRY, "default", "first", """
        hosts: [api.example.com]
        resolution: NONE
        location: MESH_EXTERNAL
        ports: [{number: 443, name: tls, protocol: TLS}]
        """);
    add(ConfigKind.SERVICE_ENTRY, "default", "second", """
        hosts: [api.example.com]
        resolution: STATIC
        ports: [{number: 80, name: http}]
        endpoints: [{address: 10.9.9.9}]
        """);

    PlatformSnapshot snapshot = convert(List.of());

    assertThat(snapshot.services()).singleElement()
        .satisfies(s -> assertThat(s.port(443)).isPresent());
    assertThat(snapshot.endpoints(Hostname.of("api.example.com"), "tls")).isEmpty();
  }

  private PlatformSnapshot convert(List<ProxyNode> registrations) {
    return ServiceEntryConversion.convert(
        new ConfigSnapshot(revision, resources), registrations, MeshSettings.DEFAULTS);
  }

  private void add(ConfigKind kind, String namespace, String name, String yaml) throws Exception {
    JsonNode raw = YAML.readTree(yaml);
    ConfigKey key = new ConfigKey(kind, namespace, name);
    resources.put(key, new ConfigResource<>(key, kind.preferredApiVersion(), Map.of(),
        YAML.treeToValue(raw, kind.specType()), raw, ++revision, "api"));
  }

  static ProxyNode sidecar(
      String workload, String namespace, String service, Map<String, String> labels, int inbound) {
    return new ProxyNode(
        ProxyNode.nodeId(ProxyNode.Type.SIDECAR, "127.0.0.1", workload, namespace, "cluster.local"),
        ProxyNode.Type.SIDECAR, "127.0.0.1", workload, namespace, workload, labels, service,
        OptionalInt.of(9080), inbound, inbound + 1);
  }
}
