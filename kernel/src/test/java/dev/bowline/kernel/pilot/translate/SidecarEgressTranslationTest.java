package dev.bowline.kernel.pilot.translate;

import static dev.bowline.kernel.pilot.translate.RouteFiltersTranslationTest.hcm;
import static dev.bowline.kernel.pilot.translate.RouteFiltersTranslationTest.unpack;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.model.HealthStatus;
import dev.bowline.spi.model.Hostname;
import dev.bowline.spi.model.Locality;
import dev.bowline.spi.model.Protocol;
import dev.bowline.spi.model.Service;
import dev.bowline.spi.model.ServicePort;
import dev.bowline.spi.platform.PlatformSnapshot;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A Sidecar resource's egress listeners with a port: a {@code tcp_proxy} listener on {@code
 * bind:port} routed by the {@code tcp} rules of the service's mesh VirtualService, an HTTP one
 * routed like {@code virtualOutbound}, chosen per workload as Istio chooses the Sidecar.
 */
class SidecarEgressTranslationTest {

  static final String DB = "db.shop.svc.cluster.local";

  static final String DB_RULES =
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: db, namespace: shop}
      spec:
        host: db
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: db, namespace: shop}
      spec:
        hosts: [db]
        tcp:
        - match: [{port: 5432, sourceLabels: {app: canary-client}}]
          route: [{destination: {host: db, subset: v2}}]
        - match: [{port: 5432}]
          route:
          - {destination: {host: db, subset: v1}, weight: 80}
          - {destination: {host: db, subset: v2}, weight: 20}
      """;

  static final String SHOP_SIDECAR =
      """
      apiVersion: networking.istio.io/v1
      kind: Sidecar
      metadata: {name: default, namespace: shop}
      spec:
        egress:
        - port: {number: 5432, protocol: TCP, name: tcp-db}
          hosts: [./db.shop.svc.cluster.local]
        - port: {number: 8080, name: http-admin}
          bind: 0.0.0.0
          hosts: ["*/*"]
        - port: {number: 15001, protocol: TCP}
          hosts: ["*/*"]
      """;

  static PlatformSnapshot registry() {
    Service db = Bookinfo.service("db", "shop", ServicePort.of("tcp", 5432, Protocol.TCP));
    Service web =
        Bookinfo.service("web", "shop", ServicePort.of("http", 80, Protocol.HTTP),
            ServicePort.of("http-admin", 8080, Protocol.HTTP));
    return new PlatformSnapshot(
        List.of(db, web),
        Map.of(Hostname.of(DB), Map.of("tcp", List.of(
            new Endpoint("10.2.0.1", 5432, Map.of("version", "v1"), Locality.UNKNOWN, 1,
                HealthStatus.HEALTHY),
            new Endpoint("10.2.0.2", 5432, Map.of("version", "v2"), Locality.UNKNOWN, 1,
                HealthStatus.HEALTHY)))),
        List.of());
  }

  static ProxyResources translate(ConfigFixtures config, ProxyNode node) {
    PushContext context = new PushContext(config.snapshot(), registry(), MeshSettings.DEFAULTS);
    return new XdsTranslator().translate(node, context);
  }

  private static Listener listener(ProxyResources r, String name) {
    return r.listeners().stream().filter(l -> l.getName().equals(name)).findFirst().orElse(null);
  }

  private static TcpProxy tcpProxy(Listener l) {
    assertThat(l.getFilterChains(0).getFilters(0).getName())
        .isEqualTo("envoy.filters.network.tcp_proxy");
    return unpack(l.getFilterChains(0).getFilters(0).getTypedConfig(), TcpProxy.class);
  }

  @Test
  void tcpEgressListenerSplitsByTheVirtualServiceTcpRules() throws Exception {
    ProxyResources r =
        translate(new ConfigFixtures().add(DB_RULES).add(SHOP_SIDECAR),
            Bookinfo.sidecar("shop", "client", Map.of("app", "client")));

    Listener db = listener(r, "127.0.0.1_5432");
    assertThat(db.getAddress().getSocketAddress().getAddress())
        .as("loopback unless bind says otherwise").isEqualTo("127.0.0.1");
    assertThat(db.getAddress().getSocketAddress().getPortValue()).isEqualTo(5432);
    assertThat(tcpProxy(db).getWeightedClusters().getClustersList())
        .extracting(c -> c.getName() + "=" + c.getWeight())
        .containsExactly("outbound|5432|v1|" + DB + "=80", "outbound|5432|v2|" + DB + "=20");

    assertThat(listener(r, "127.0.0.1_15001"))
        .as("the sidecar's own outbound port is not taken twice").isNull();
    assertThat(hcm(r, "0.0.0.0_8080").getRds().getRouteConfigName())
        .as("an HTTP egress port routes by Host like virtualOutbound").isEqualTo("outbound");

    // The proxy accepts the listeners as emitted, and the clusters they name exist.
    ProxyAcceptance.check(r);
    assertThat(r.clusters()).extracting(c -> c.getName())
        .contains("outbound|5432|v1|" + DB, "outbound|5432|v2|" + DB);
  }

  @Test
  void sourceLabelsPickTheRuleAndNoRuleMeansTheServiceCluster() {
    ProxyResources canary =
        translate(new ConfigFixtures().add(DB_RULES).add(SHOP_SIDECAR),
            Bookinfo.sidecar("shop", "canary", Map.of("app", "canary-client")));
    assertThat(tcpProxy(listener(canary, "127.0.0.1_5432")).getCluster())
        .isEqualTo("outbound|5432|v2|" + DB);

    ProxyResources plain =
        translate(new ConfigFixtures().add(SHOP_SIDECAR),
            Bookinfo.sidecar("shop", "client", Map.of("app", "client")));
    TcpProxy direct = tcpProxy(listener(plain, "127.0.0.1_5432"));
    assertThat(direct.getCluster()).isEqualTo("outbound|5432||" + DB);
    assertThat(direct.getStatPrefix()).isEqualTo(direct.getCluster());
  }

  @Test
  void theSidecarIsChosenBySelectorThenNamespaceThenRootNamespace() {
    String selected =
        """
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: reporting, namespace: shop}
        spec:
          workloadSelector: {labels: {app: reporting}}
          egress:
          - port: {number: 5432}
            bind: 127.0.0.2
            hosts: ["*/*"]
        """;
    String meshDefault =
        """
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: default, namespace: istio-system}
        spec:
          egress:
          - port: {number: 5432}
            bind: 127.0.0.3
            hosts: ["*/*"]
        """;
    ConfigFixtures all = new ConfigFixtures().add(meshDefault).add(SHOP_SIDECAR).add(selected);

    assertThat(names(translate(all, Bookinfo.sidecar("shop", "r", Map.of("app", "reporting")))))
        .contains("127.0.0.2_5432").doesNotContain("127.0.0.1_5432", "127.0.0.3_5432");
    assertThat(names(translate(all, Bookinfo.sidecar("shop", "c", Map.of("app", "client")))))
        .contains("127.0.0.1_5432").doesNotContain("127.0.0.2_5432", "127.0.0.3_5432");
    assertThat(names(translate(all, Bookinfo.sidecar("other", "c", Map.of()))))
        .as("a namespace without its own Sidecar takes the root namespace's")
        .contains("127.0.0.3_5432");
    assertThat(names(translate(new ConfigFixtures().add(SHOP_SIDECAR),
            Bookinfo.sidecar("other", "c", Map.of()))))
        .as("another namespace's Sidecar does not apply")
        .containsExactly("virtualOutbound");
  }

  @Test
  void hostsOutsideTheListenedNamespacesGiveNoTcpListener() {
    String elsewhere = SHOP_SIDECAR.replace("./db.shop.svc.cluster.local", "billing/*");
    assertThat(listener(translate(new ConfigFixtures().add(elsewhere),
            Bookinfo.sidecar("shop", "c", Map.of())), "127.0.0.1_5432")).isNull();
  }

  private static List<String> names(ProxyResources r) {
    return r.listeners().stream().map(Listener::getName).toList();
  }
}
