package dev.bowline.kernel.pilot.xds;

import static dev.bowline.kernel.pilot.xds.TestEnvoyResources.mesh;
import static dev.bowline.kernel.pilot.xds.TestEnvoyResources.prefixes;
import static dev.bowline.kernel.pilot.xds.TestEnvoyResources.routedClusters;
import static dev.bowline.kernel.pilot.xds.TestEnvoyResources.sidecar;
import static dev.bowline.kernel.pilot.xds.XdsResourceType.CLUSTERS;
import static dev.bowline.kernel.pilot.xds.XdsResourceType.ENDPOINTS;
import static dev.bowline.kernel.pilot.xds.XdsResourceType.LISTENERS;
import static dev.bowline.kernel.pilot.xds.XdsResourceType.ROUTES;
import static dev.bowline.kernel.pilot.xds.XdsServerTest.CONTEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.kernel.pilot.translate.ProxyResources;
import dev.bowline.kernel.pilot.xds.AdsTestClient.Received;
import dev.bowline.kernel.pilot.xds.ProxyStatus.SyncState;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A change that adds a cluster and a route to it reaches the client clusters and endpoints first:
 * the route only arrives once the client holds the cluster and its endpoints.
 */
class MakeBeforeBreakTest {

  private static final String A = "outbound|80||a.default.svc.cluster.local";
  private static final String B = "outbound|80||b.default.svc.cluster.local";

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    Collections.reverse(toClose);
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private XdsServer start(SwitchableGenerator generator, Duration stageTimeout)
      throws IOException {
    XdsServer server =
        XdsServer.builder(generator, () -> CONTEXT)
            .address(new InetSocketAddress("127.0.0.1", 0))
            .debounce(Duration.ofMillis(20), Duration.ofSeconds(5))
            .stageTimeout(stageTimeout)
            .start();
    toClose.add(server);
    return server;
  }

  private AdsTestClient connect(XdsServer server, ProxyNode node) {
    AdsTestClient client = AdsTestClient.connect(server.port(), node.toEnvoyNode());
    toClose.add(client);
    return client;
  }

  private static void awaitSynced(XdsServer server, String nodeId) {
    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(
            () ->
                server
                    .status(nodeId)
                    .map(
                        s ->
                            s.types().values().stream()
                                .allMatch(t -> t.state() == SyncState.SYNCED))
                    .orElse(false));
  }

  private static int firstIndex(List<Received> received, Predicate<Received> which) {
    for (int i = 0; i < received.size(); i++) {
      if (which.test(received.get(i))) {
        return i;
      }
    }
    throw new AssertionError("no such response among " + received);
  }

  private static boolean routesTo(Received r, String cluster) {
    return r.type() == ROUTES
        && r.resources().stream()
            .anyMatch(c -> routedClusters((RouteConfiguration) c).contains(cluster));
  }

  @Test
  void clustersAndTheirEndpointsArriveBeforeTheRouteThatUsesThem() throws IOException {
    SwitchableGenerator generator = new SwitchableGenerator(mesh(prefixes("/", A)));
    XdsServer server = start(generator, Duration.ofSeconds(30));
    ProxyNode node = sidecar("app");
    AdsTestClient envoy =
        connect(server, node).followLikeEnvoy().subscribe(CLUSTERS).subscribe(LISTENERS);
    awaitSynced(server, node.id());
    int before = envoy.received().size();

    generator.set(mesh(prefixes("/b", B, "/", A)));
    server.requestPush("route to b");

    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> envoy.received(ROUTES).stream().anyMatch(r -> routesTo(r, B)));
    awaitSynced(server, node.id());
    List<Received> change = envoy.received().subList(before, envoy.received().size());
    int clusterB = firstIndex(change, r -> r.type() == CLUSTERS && r.names().contains(B));
    int endpointsB = firstIndex(change, r -> r.type() == ENDPOINTS && r.names().contains(B));
    int routeToB = firstIndex(change, r -> routesTo(r, B));
    assertThat(clusterB).isLessThan(routeToB);
    assertThat(endpointsB).isLessThan(routeToB);
    assertThat(change.subList(0, routeToB)).noneMatch(r -> r.type() == LISTENERS);
    assertThat(envoy.last(CLUSTERS).orElseThrow().names()).containsExactlyInAnyOrder(A, B);
  }

  @Test
  void clustersNoLongerUsedGoAwayWithTheRouteChange() throws IOException {
    SwitchableGenerator generator = new SwitchableGenerator(mesh(prefixes("/b", B, "/", A)));
    XdsServer server = start(generator, Duration.ofSeconds(30));
    ProxyNode node = sidecar("app");
    AdsTestClient envoy =
        connect(server, node).followLikeEnvoy().subscribe(CLUSTERS).subscribe(LISTENERS);
    awaitSynced(server, node.id());

    generator.set(mesh(prefixes("/", A)));
    server.requestPush("drop b");

    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> envoy.last(CLUSTERS).orElseThrow().names().equals(List.of(A)));
    awaitSynced(server, node.id());
    assertThat(envoy.last(ROUTES).orElseThrow().resources())
        .allSatisfy(r -> assertThat(routedClusters((RouteConfiguration) r)).containsOnly(A));
    assertThat(server.resourcesOf(node.id()).orElseThrow().clusters())
        .extracting(c -> c.getName())
        .containsExactly(A);
  }

  @Test
  void aClientThatDoesNotAnswerGetsTheRouteAfterTheStageTimeout() throws IOException {
    SwitchableGenerator generator = new SwitchableGenerator(mesh(prefixes("/", A)));
    XdsServer server = start(generator, Duration.ofMillis(300));
    ProxyNode node = sidecar("app");
    AdsTestClient envoy =
        connect(server, node).followLikeEnvoy().subscribe(CLUSTERS).subscribe(LISTENERS);
    awaitSynced(server, node.id());
    envoy.ignore(CLUSTERS);

    generator.set(mesh(prefixes("/b", B, "/", A)));
    server.requestPush("route to b");

    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> envoy.received(ROUTES).stream().anyMatch(r -> routesTo(r, B)));
    assertThat(server.status(node.id()).orElseThrow().types().get(CLUSTERS).state())
        .isEqualTo(SyncState.STALE);
  }

  @Test
  void anotherPushWhileTheClientHasNotAnsweredKeepsTheRoutesBack() throws IOException {
    SwitchableGenerator generator = new SwitchableGenerator(mesh(prefixes("/", A)));
    XdsServer server = start(generator, Duration.ofSeconds(60));
    ProxyNode node = sidecar("app");
    AdsTestClient envoy =
        connect(server, node).followLikeEnvoy().subscribe(CLUSTERS).subscribe(LISTENERS);
    awaitSynced(server, node.id());
    List<RouteConfiguration> oldRoutes = server.resourcesOf(node.id()).orElseThrow().routes();
    envoy.ignore(CLUSTERS);

    generator.set(mesh(prefixes("/b", B, "/", A)));
    server.requestPush("route to b");
    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> envoy.received(CLUSTERS).stream().anyMatch(r -> r.names().contains(B)));
    server.requestPush("something else");
    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> server.lastPush().map(p -> p.number() == 2).orElse(false));

    assertThat(server.resourcesOf(node.id()).orElseThrow().routes()).isEqualTo(oldRoutes);
    assertThat(server.resourcesOf(node.id()).orElseThrow().clusters())
        .extracting(c -> c.getName())
        .containsExactlyInAnyOrder(A, B);
  }

  @Test
  void aProxylessClientFollowsTheRouteToItsNewClusterByName() throws IOException {
    String listener = "echo.default.svc.cluster.local:50051";
    SwitchableGenerator generator = new SwitchableGenerator(proxyless(listener, prefixes("/", A)));
    XdsServer server = start(generator, Duration.ofSeconds(30));
    ProxyNode node = sidecar("grpc-client");
    AdsTestClient grpc = connect(server, node).followLikeGrpc().subscribe(LISTENERS, listener);
    awaitSynced(server, node.id());
    assertThat(grpc.last(CLUSTERS).orElseThrow().names()).containsExactly(A);

    generator.set(proxyless(listener, prefixes("/b", B, "/", A)));
    server.requestPush("route to b");

    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(
            () ->
                grpc.namesReceived(ENDPOINTS).containsAll(List.of(A, B)));
    awaitSynced(server, node.id());
    assertThat(grpc.last(CLUSTERS).orElseThrow().names()).containsExactlyInAnyOrder(A, B);
    // Every response after subscribing to both carries both.
    List<Received> clusters = grpc.received(CLUSTERS);
    int both = firstIndex(clusters, r -> r.names().contains(B));
    assertThat(clusters.subList(both, clusters.size()))
        .allSatisfy(r -> assertThat(r.names()).containsExactlyInAnyOrder(A, B));
  }

  private static ProxyResources proxyless(
      String listener, Map<String, String> routes) {
    ProxyResources mesh = mesh(routes);
    return new ProxyResources(
        mesh.clusters(),
        mesh.endpoints(),
        List.of(TestEnvoyResources.apiListener(listener, "echo-routes")),
        List.of(TestEnvoyResources.routes("echo-routes", routes)));
  }
}
