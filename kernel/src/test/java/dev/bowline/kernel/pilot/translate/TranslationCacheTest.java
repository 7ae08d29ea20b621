package dev.bowline.kernel.pilot.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.kernel.pilot.config.ConfigSnapshot;
import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.model.Hostname;
import dev.bowline.spi.model.Protocol;
import dev.bowline.spi.model.ServicePort;
import dev.bowline.spi.platform.PlatformSnapshot;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The outbound part of a push is built once per namespace and shared, by object identity. */
class TranslationCacheTest {

  private final XdsTranslator translator = new XdsTranslator();

  @Test
  void sidecarsOfOneNamespaceShareTheOutboundPart() {
    PushContext context = Bookinfo.context();
    ProxyResources a = translator.translate(Bookinfo.sidecar("default", "a", Map.of()), context);
    ProxyResources b = translator.translate(Bookinfo.sidecar("default", "b", Map.of()), context);
    ProxyResources withApp =
        translator.translate(Bookinfo.sidecarWithApp("default", "reviews", 9080), context);
    ProxyResources elsewhere = translator.translate(Bookinfo.sidecar("shop", "c", Map.of()), context);

    assertThat(b.routes().get(0)).isSameAs(a.routes().get(0));
    assertThat(withApp.routes().get(0)).isSameAs(a.routes().get(0));
    assertThat(b.clusters()).isSameAs(a.clusters());
    assertThat(b.endpoints()).isSameAs(a.endpoints());
    assertThat(withApp.endpoints()).isSameAs(a.endpoints());
    for (int i = 0; i < a.clusters().size(); i++) {
      assertThat(withApp.clusters()).as("the same cluster objects").containsOnlyOnce(a.clusters().get(i));
      assertThat(elsewhere.clusters().get(i)).isSameAs(a.clusters().get(i));
    }
    assertThat(elsewhere.routes().get(0))
        .as("short names differ by namespace").isNotSameAs(a.routes().get(0))
        .isNotEqualTo(a.routes().get(0));
  }

  @Test
  void sourceLabelsSplitTheRouteTablesOfANamespace() {
    ConfigFixtures config = new ConfigFixtures().add(Bookinfo.REVIEWS_DR).add(
        """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - match: [{sourceLabels: {app: productpage}}]
            route: [{destination: {host: reviews, subset: v3}}]
          - route: [{destination: {host: reviews, subset: v1}}]
        """);
    PushContext context = new PushContext(config.snapshot(), Bookinfo.registry(), MeshSettings.DEFAULTS);
    RouteConfiguration productpage1 =
        routes(Bookinfo.sidecar("default", "p1", Map.of("app", "productpage", "pod", "1")), context);
    RouteConfiguration productpage2 =
        routes(Bookinfo.sidecar("default", "p2", Map.of("app", "productpage", "pod", "2")), context);
    RouteConfiguration details = routes(Bookinfo.sidecar("default", "d", Map.of("app", "details")), context);
    RouteConfiguration ratings = routes(Bookinfo.sidecar("default", "r", Map.of("app", "ratings")), context);
    assertThat(productpage2).isSameAs(productpage1);
    assertThat(ratings).isSameAs(details);
    assertThat(details).isNotEqualTo(productpage1);
  }

  @Test
  void aNewContextStartsANewMemo() {
    PushContext first = Bookinfo.context();
    PushContext second = Bookinfo.context();
    TranslationCache cache = translator.cacheFor(first);
    assertThat(translator.cacheFor(first)).isSameAs(cache);
    assertThat(cache.context()).isSameAs(first);
    TranslationCache next = translator.cacheFor(second);
    assertThat(next).isNotSameAs(cache);
    ProxyNode node = Bookinfo.sidecar("default", "a", Map.of());
    ProxyResources viaNew = translator.translate(node, second);
    assertThat(viaNew.routes().get(0)).isSameAs(translator.translate(node, next).routes().get(0));
    assertThat(translator.translate(node, cache).routes().get(0))
        .as("an explicit memo keeps its own results")
        .isNotSameAs(viaNew.routes().get(0))
        .isEqualTo(viaNew.routes().get(0));
  }

  @Test
  void anEndpointOnlyChangeKeepsClustersAndRouteTablesAndRebuildsOnlyTheAssignments() {
    ConfigSnapshot config = Bookinfo.config();
    PlatformSnapshot registry = Bookinfo.registry();
    Map<Hostname, Map<String, List<Endpoint>>> moved =
        new HashMap<>(registry.endpoints());
    moved.put(Hostname.of("details.default.svc.cluster.local"),
        Map.of("http", List.of(Bookinfo.endpoint("10.0.2.9", "v1", Bookinfo.ZONE_A, 1))));
    PushContext first = new PushContext(config, registry, MeshSettings.DEFAULTS);
    PushContext second = new PushContext(config,
        new PlatformSnapshot(registry.services(), moved, registry.workloads()),
        MeshSettings.DEFAULTS);
    ProxyNode node = Bookinfo.sidecar("default", "a", Map.of());
    ProxyNode gateway = Bookinfo.gateway("gw", Map.of("istio", "ingress"));

    ProxyResources before = translator.translate(node, first);
    ProxyResources gatewayBefore = translator.translate(gateway, first);
    ProxyResources after = translator.translate(node, second);

    assertThat(after.routes().get(0)).isSameAs(before.routes().get(0));
    assertThat(after.clusters()).isSameAs(before.clusters());
    assertThat(translator.translate(gateway, second).listeners()).isSameAs(gatewayBefore.listeners());
    assertThat(after.endpoints().toString()).contains("10.0.2.9").doesNotContain("10.0.2.1\"");
    assertThat(before.endpoints().toString()).contains("10.0.2.1").doesNotContain("10.0.2.9");

    PushContext newService = new PushContext(config,
        Bookinfo.registry(Bookinfo.service("extra", "default", ServicePort.of(
            "http", 80, Protocol.HTTP))), MeshSettings.DEFAULTS);
    assertThat(translator.translate(node, newService).routes().get(0))
        .as("a new service starts afresh").isNotSameAs(after.routes().get(0));
    PushContext newConfig = new PushContext(Bookinfo.config(), registry, MeshSettings.DEFAULTS);
    assertThat(translator.translate(node, newConfig).routes().get(0))
        .as("new config starts afresh").isNotSameAs(after.routes().get(0));
  }

  @Test
  void gatewaysAndProxylessClientsShareTheirsToo() {
    PushContext context = Bookinfo.context();
    ProxyResources g1 = translator.translate(Bookinfo.gateway("gw", Map.of("istio", "ingress")), context);
    ProxyResources g2 = translator.translate(Bookinfo.gateway("gw", Map.of("istio", "ingress")), context);
    assertThat(g2.listeners()).isSameAs(g1.listeners());
    assertThat(g2.clusters()).isSameAs(g1.clusters());
    ProxyResources p1 = translator.translate(Bookinfo.proxyless("default"), context);
    ProxyResources p2 = translator.translate(Bookinfo.proxyless("default"), context);
    assertThat(p2.listeners()).isSameAs(p1.listeners());
    assertThat(p2.routes()).isSameAs(p1.routes());
    assertThat(p2.clusters()).isSameAs(p1.clusters());
  }

  @Test
  void aPushTo200SidecarsOnManyThreadsBuildsOneRouteTablePerNamespace() throws Exception {
    PushContext context = Bookinfo.context();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<ProxyResources>> tasks = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        String ns = i % 2 == 0 ? "default" : "shop";
        ProxyNode node = Bookinfo.sidecar(ns, "w" + i, Map.of("pod", "p" + i));
        tasks.add(() -> translator.translate(node, context));
      }
      Set<Object> routeTables = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
      Set<Object> clusterLists = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
      for (Future<ProxyResources> f : pool.invokeAll(tasks)) {
        routeTables.add(f.get().routes().get(0));
        clusterLists.add(f.get().clusters());
      }
      assertThat(routeTables).hasSize(2);
      assertThat(clusterLists).hasSize(1);
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  private RouteConfiguration routes(ProxyNode node, PushContext context) {
    return translator.translate(node, context).routes().get(0);
  }
}
