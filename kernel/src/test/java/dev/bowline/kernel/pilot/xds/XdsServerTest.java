package dev.bowline.kernel.pilot.xds;

import static dev.bowline.kernel.pilot.xds.TestEnvoyResources.edsCluster;
import static dev.bowline.kernel.pilot.xds.TestEnvoyResources.endpoints;
import static dev.bowline.kernel.pilot.xds.TestEnvoyResources.mesh;
import static dev.bowline.kernel.pilot.xds.TestEnvoyResources.prefixes;
import static dev.bowline.kernel.pilot.xds.TestEnvoyResources.sidecar;
import static dev.bowline.kernel.pilot.xds.XdsResourceType.CLUSTERS;
import static dev.bowline.kernel.pilot.xds.XdsResourceType.ENDPOINTS;
import static dev.bowline.kernel.pilot.xds.XdsResourceType.LISTENERS;
import static dev.bowline.kernel.pilot.xds.XdsResourceType.ROUTES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.bowline.kernel.pilot.config.ConfigSnapshot;
import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.kernel.pilot.translate.ProxyResources;
import dev.bowline.kernel.pilot.translate.PushContext;
import dev.bowline.kernel.pilot.xds.ProxyStatus.SyncState;
import dev.bowline.kernel.pilot.xds.ProxyStatus.TypeStatus;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.spi.platform.PlatformSnapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.grpc.Status;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class XdsServerTest {

  static final PushContext CONTEXT =
      new PushContext(ConfigSnapshot.EMPTY, PlatformSnapshot.EMPTY, MeshSettings.DEFAULTS);

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    Collections.reverse(toClose);
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private XdsServer start(XdsServer.Builder builder) throws IOException {
    XdsServer server =
        builder
            .address(new InetSocketAddress("127.0.0.1", 0))
            .debounce(Duration.ofMillis(20), Duration.ofSeconds(5))
            .start();
    toClose.add(server);
    return server;
  }

  private AdsTestClient envoy(XdsServer server, ProxyNode node) {
    AdsTestClient client = AdsTestClient.connect(server.port(), node.toEnvoyNode());
    toClose.add(client);
    return client.followLikeEnvoy().subscribe(CLUSTERS).subscribe(LISTENERS);
  }

  private static void awaitAll(XdsServer server, String nodeId, SyncState state) {
    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(
            () ->
                server
                    .status(nodeId)
                    .map(s -> s.types().values().stream().allMatch(t -> t.state() == state))
                    .orElse(false));
  }

  private static TypeStatus statusOf(XdsServer server, String nodeId, XdsResourceType type) {
    return server.status(nodeId).orElseThrow().types().get(type);
  }

  @Test
  void aClientReceivesItsResourcesAndItsAcksMakeItSynced() throws IOException {
    ProxyResources resources = mesh(prefixes("/", "outbound|80||a"));
    SwitchableGenerator generator = new SwitchableGenerator(resources);
    XdsServer server = start(XdsServer.builder(generator, () -> CONTEXT));
    ProxyNode node = sidecar("app");

    AdsTestClient client = envoy(server, node);

    awaitAll(server, node.id(), SyncState.SYNCED);
    assertThat(client.last(CLUSTERS).orElseThrow().names()).containsExactly("outbound|80||a");
    assertThat(client.last(ENDPOINTS).orElseThrow().names()).containsExactly("outbound|80||a");
    assertThat(client.last(LISTENERS).orElseThrow().names()).containsExactly("http");
    assertThat(client.last(ROUTES).orElseThrow().names()).containsExactly("80");
    assertThat(client.last(CLUSTERS).orElseThrow().resources())
        .containsExactlyElementsOf(resources.clusters());
    assertThat(server.resourcesOf(node.id())).contains(resources);
    assertThat(generator.contexts()).containsOnly(CONTEXT);

    ProxyStatus status = server.status(node.id()).orElseThrow();
    assertThat(status.type()).isEqualTo(ProxyNode.Type.SIDECAR);
    assertThat(status.namespace()).isEqualTo("default");
    assertThat(status.workload()).isEqualTo("app");
    assertThat(status.streams()).isEqualTo(1);
    TypeStatus clusters = status.types().get(CLUSTERS);
    assertThat(clusters.latestVersion()).matches("\\d+-[0-9a-f]{8}");
    assertThat(clusters.ackedVersion()).isEqualTo(clusters.latestVersion());
    assertThat(clusters.sentVersion()).isEqualTo(client.last(CLUSTERS).orElseThrow().version());
    assertThat(clusters.sentNonce()).isEqualTo(client.last(CLUSTERS).orElseThrow().nonce());
    assertThat(clusters.rejectMessage()).isEmpty();
    assertThat(server.statuses()).extracting(ProxyStatus::nodeId).containsExactly(node.id());
  }

  @Test
  void clientsConnectingBetweenPushesShareTheLatestContextUntilTheRegistryChanges()
      throws IOException {
    AtomicReference<PlatformSnapshot> registry = new AtomicReference<>(PlatformSnapshot.EMPTY);
    SwitchableGenerator generator =
        new SwitchableGenerator(mesh(prefixes("/", "outbound|80||a")));
    XdsServer server =
        start(
            XdsServer.builder(
                generator,
                () -> new PushContext(ConfigSnapshot.EMPTY, registry.get(), MeshSettings.DEFAULTS)));
    ProxyNode first = sidecar("first");
    ProxyNode second = sidecar("second");

    envoy(server, first);
    awaitAll(server, first.id(), SyncState.SYNCED);
    envoy(server, second);
    awaitAll(server, second.id(), SyncState.SYNCED);

    assertThat(generator.contexts()).hasSize(2);
    assertThat(generator.contexts().get(1)).isSameAs(generator.contexts().get(0));

    server.requestPush("nothing changed");
    await().atMost(10, TimeUnit.SECONDS).until(() -> generator.contexts().size() == 4);
    PushContext initial = generator.contexts().get(0);
    assertThat(generator.contexts()).allSatisfy(c -> assertThat(c).isSameAs(initial));

    registry.set(new PlatformSnapshot(List.of(), Map.of(), List.of()));
    server.requestPush("registry");
    await().atMost(10, TimeUnit.SECONDS).until(() -> generator.contexts().size() == 6);
    PushContext changed = generator.contexts().get(4);
    assertThat(changed).isNotSameAs(initial);
    assertThat(changed.registry()).isSameAs(registry.get());
    assertThat(generator.contexts().get(5)).isSameAs(changed);
  }

  /** {@code base} with the assignment of {@code cluster} moved to {@code port}. */
  private static ProxyResources movedEndpoint(ProxyResources base, String cluster, int port) {
    List<ClusterLoadAssignment> endpoints = new ArrayList<>();
    for (ClusterLoadAssignment a : base.endpoints()) {
      endpoints.add(a.getClusterName().equals(cluster) ? endpoints(cluster, port) : a);
    }
    return new ProxyResources(base.clusters(), endpoints, base.listeners(), base.routes());
  }

  @Test
  void anEndpointChangeSendsOnlyTheChangedAssignmentToClientsHoldingTheRest() throws IOException {
    ProxyResources before =
        mesh(prefixes("/a", "outbound|80||a", "/b", "outbound|80||b", "/", "outbound|80||c"));
    SwitchableGenerator generator = new SwitchableGenerator(before);
    XdsServer server = start(XdsServer.builder(generator, () -> CONTEXT));
    ProxyNode node = sidecar("app");
    AdsTestClient client = envoy(server, node);
    awaitAll(server, node.id(), SyncState.SYNCED);
    assertThat(client.last(ENDPOINTS).orElseThrow().names())
        .containsExactlyInAnyOrder("outbound|80||a", "outbound|80||b", "outbound|80||c");
    String endpointsBefore = statusOf(server, node.id(), ENDPOINTS).latestVersion();

    generator.set(movedEndpoint(before, "outbound|80||b", 9100));
    server.requestPush("endpoint moved");

    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(
            () ->
                !statusOf(server, node.id(), ENDPOINTS).latestVersion().equals(endpointsBefore)
                    && statusOf(server, node.id(), ENDPOINTS).state() == SyncState.SYNCED);
    AdsTestClient.Received update = client.last(ENDPOINTS).orElseThrow();
    assertThat(update.names()).containsExactly("outbound|80||b");
    assertThat(((ClusterLoadAssignment) update.resources().get(0)).toString()).contains("9100");

    // A client that holds nothing yet gets every assignment.
    AdsTestClient newcomer = envoy(server, sidecar("other"));
    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> newcomer.last(ENDPOINTS).map(r -> r.names().size()).orElse(0) == 3);
  }

  @Test
  void aClientThatRejectedAnAssignmentIsSentEveryAssignmentNext() throws IOException {
    ProxyResources before = mesh(prefixes("/a", "outbound|80||a", "/", "outbound|80||b"));
    SwitchableGenerator generator = new SwitchableGenerator(before);
    XdsServer server = start(XdsServer.builder(generator, () -> CONTEXT));
    ProxyNode node = sidecar("app");
    AdsTestClient client =
        envoy(server, node)
            .rejectWhen(
                ENDPOINTS,
                assignments ->
                    assignments.stream().anyMatch(a -> a.toString().contains("9666"))
                        ? "bad port"
                        : null);
    awaitAll(server, node.id(), SyncState.SYNCED);

    generator.set(movedEndpoint(before, "outbound|80||a", 9666));
    server.requestPush("bad endpoint");
    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> statusOf(server, node.id(), ENDPOINTS).state() == SyncState.NACK);

    generator.set(movedEndpoint(before, "outbound|80||a", 9200));
    server.requestPush("good endpoint");
    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> statusOf(server, node.id(), ENDPOINTS).state() == SyncState.SYNCED);
    // The client holds the version before the rejected one: nothing can be left out.
    assertThat(client.last(ENDPOINTS).orElseThrow().names())
        .containsExactlyInAnyOrder("outbound|80||a", "outbound|80||b");
  }

  @Test
  void aTypeWhoseContentDidNotChangeKeepsItsVersionAndIsNotSentAgain() throws IOException {
    SwitchableGenerator generator =
        new SwitchableGenerator(mesh(prefixes("/", "outbound|80||a")));
    XdsServer server = start(XdsServer.builder(generator, () -> CONTEXT));
    ProxyNode node = sidecar("app");
    AdsTestClient client = envoy(server, node);
    awaitAll(server, node.id(), SyncState.SYNCED);
    TypeStatus clustersBefore = statusOf(server, node.id(), CLUSTERS);
    String routesBefore = statusOf(server, node.id(), ROUTES).latestVersion();

    generator.set(mesh(prefixes("/api", "outbound|80||a", "/", "outbound|80||a")));
    server.requestPush("route change");

    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> !statusOf(server, node.id(), ROUTES).latestVersion().equals(routesBefore));
    awaitAll(server, node.id(), SyncState.SYNCED);
    assertThat(statusOf(server, node.id(), ROUTES).latestVersion()).startsWith("1-");
    assertThat(statusOf(server, node.id(), CLUSTERS).latestVersion())
        .isEqualTo(clustersBefore.latestVersion());
    assertThat(client.received(CLUSTERS)).hasSize(1);
    assertThat(client.received(ROUTES)).hasSize(2);
    assertThat(server.lastPush().orElseThrow().reasons()).containsExactly("route change");
  }

  @Test
  void aRejectionShowsItsMessageUntilALaterAcknowledgement() throws IOException {
    MetricRegistry metrics = new MetricRegistry();
    SwitchableGenerator generator =
        new SwitchableGenerator(mesh(prefixes("/", "outbound|80||good")));
    XdsServer server = start(XdsServer.builder(generator, () -> CONTEXT).metrics(metrics));
    ProxyNode node = sidecar("app");
    AdsTestClient client =
        envoy(server, node)
            .rejectWhen(
                CLUSTERS,
                clusters ->
                    clusters.stream().anyMatch(c -> ((Cluster) c).getName().contains("bad"))
                        ? "cluster outbound|80||bad: unsupported lb_policy"
                        : null);
    awaitAll(server, node.id(), SyncState.SYNCED);

    generator.set(
        mesh(prefixes("/bad", "outbound|80||bad", "/", "outbound|80||good")));
    server.requestPush("add bad");

    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> statusOf(server, node.id(), CLUSTERS).state() == SyncState.NACK);
    TypeStatus rejected = statusOf(server, node.id(), CLUSTERS);
    assertThat(rejected.rejectMessage())
        .isEqualTo("cluster outbound|80||bad: unsupported lb_policy");
    assertThat(rejected.rejectedVersion()).isEqualTo(rejected.latestVersion());
    assertThat(rejected.ackedVersion()).isNotEqualTo(rejected.rejectedVersion());
    assertThat(metrics.renderPrometheus()).contains("pilot_total_xds_rejects{type=\"cds\"} 1\n");

    // A change of another type: the rejected clusters are not sent straight back meanwhile.
    String routesBefore = statusOf(server, node.id(), ROUTES).latestVersion();
    generator.set(mesh(prefixes("/bad", "outbound|80||bad", "/x", "outbound|80||good")));
    server.requestPush("route change");
    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(
            () ->
                statusOf(server, node.id(), ROUTES).state() == SyncState.SYNCED
                    && !statusOf(server, node.id(), ROUTES).latestVersion().equals(routesBefore));
    assertThat(client.received(CLUSTERS)).hasSize(2);
    assertThat(statusOf(server, node.id(), CLUSTERS).state()).isEqualTo(SyncState.NACK);
    assertThat(statusOf(server, node.id(), CLUSTERS).rejectMessage()).isNotEmpty();

    generator.set(mesh(prefixes("/", "outbound|80||good")));
    server.requestPush("remove bad");

    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> statusOf(server, node.id(), CLUSTERS).state() == SyncState.SYNCED);
    TypeStatus accepted = statusOf(server, node.id(), CLUSTERS);
    assertThat(accepted.rejectMessage()).isEmpty();
    assertThat(accepted.rejectedVersion()).isEmpty();
    assertThat(client.last(CLUSTERS).orElseThrow().names()).containsExactly("outbound|80||good");
    assertThat(metrics.renderPrometheus()).contains("pilot_total_xds_rejects{type=\"cds\"} 1\n");
  }

  @Test
  void theLifecycleListenerHearsTheFirstAndTheLastStreamOfANode() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    XdsServer[] self = new XdsServer[1];
    ProxyLifecycleListener listener =
        new ProxyLifecycleListener() {
          @Override
          public void connected(ProxyNode node) {
            events.add("connected " + node.workloadName());
            self[0].requestPush("registered " + node.workloadName()); // re-entrant: must not block
          }

          @Override
          public void disconnected(ProxyNode node) {
            events.add("disconnected " + node.workloadName());
          }
        };
    SwitchableGenerator generator = new SwitchableGenerator(mesh(prefixes("/", "c")));
    XdsServer server =
        start(XdsServer.builder(generator, () -> CONTEXT).lifecycleListener(listener));
    self[0] = server;
    ProxyNode node = sidecar("app");

    AdsTestClient first = envoy(server, node);
    await().atMost(10, TimeUnit.SECONDS).until(() -> events.equals(List.of("connected app")));
    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(
            () ->
                server.lastPush().map(p -> p.reasons().contains("registered app")).orElse(false));

    AdsTestClient second = envoy(server, node); // reconnects before the old stream closes
    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> server.status(node.id()).map(ProxyStatus::streams).orElse(0) == 2);
    awaitAll(server, node.id(), SyncState.SYNCED);
    assertThat(second.last(CLUSTERS)).isPresent();

    first.cancel();
    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> server.status(node.id()).map(ProxyStatus::streams).orElse(0) == 1);
    assertThat(server.connectedClients()).isEqualTo(1);

    second.halfClose();
    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> events.equals(List.of("connected app", "disconnected app")));
    assertThat(server.connectedClients()).isZero();
    assertThat(server.statuses()).isEmpty();
    assertThat(server.resourcesOf(node.id())).isEmpty();
  }

  @Test
  void aMalformedNodeIsRefusedWithTheFieldNamed() throws Exception {
    List<ProxyNode> connected = new CopyOnWriteArrayList<>();
    XdsServer server =
        start(
            XdsServer.builder(new SwitchableGenerator(ProxyResources.EMPTY), () -> CONTEXT)
                .lifecycleListener(
                    new ProxyLifecycleListener() {
                      @Override
                      public void connected(ProxyNode node) {
                        connected.add(node);
                      }
                    }));
    Node good = sidecar("app").toEnvoyNode();
    Node bad =
        good.toBuilder()
            .setMetadata(
                Struct.newBuilder(good.getMetadata())
                    .putFields(
                        "BOWLINE_APP_PORT", Value.newBuilder().setStringValue("http").build()))
            .build();
    AdsTestClient client = AdsTestClient.connect(server.port(), bad);
    toClose.add(client);
    client.subscribe(CLUSTERS);

    Status status = client.closed().get(10, TimeUnit.SECONDS);

    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).contains("BOWLINE_APP_PORT").contains(good.getId());
    assertThat(server.connectedClients()).isZero();
    assertThat(connected).isEmpty();
    assertThat(client.received()).isEmpty();
  }

  @Test
  void aClientWithoutNodeIdIsRefused() throws Exception {
    XdsServer server =
        start(XdsServer.builder(new SwitchableGenerator(ProxyResources.EMPTY), () -> CONTEXT));
    AdsTestClient client = AdsTestClient.connect(server.port(), Node.getDefaultInstance());
    toClose.add(client);
    client.subscribe(CLUSTERS);

    Status status = client.closed().get(10, TimeUnit.SECONDS);

    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).startsWith("node.id:");
  }

  @Test
  void resourcesThatCannotBePublishedLeaveTheClientWithWhatItHas() throws IOException {
    ProxyResources good = mesh(prefixes("/", "a"));
    SwitchableGenerator generator = new SwitchableGenerator(good);
    XdsServer server = start(XdsServer.builder(generator, () -> CONTEXT));
    ProxyNode node = sidecar("app");
    AdsTestClient client = envoy(server, node);
    awaitAll(server, node.id(), SyncState.SYNCED);

    generator.set(
        new ProxyResources(
            List.of(edsCluster("a"), edsCluster("b"), edsCluster("a")),
            good.endpoints(),
            good.listeners(),
            good.routes()));
    server.requestPush("duplicate cluster");

    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> server.lastPush().map(p -> p.failures() == 1).orElse(false));
    assertThat(server.resourcesOf(node.id())).contains(good);
    assertThat(client.received(CLUSTERS)).hasSize(1);
    assertThat(server.status(node.id()).orElseThrow().types().values())
        .allMatch(t -> t.state() == SyncState.SYNCED);
  }

  @Test
  void metricsUseIstiosNames() throws IOException {
    MetricRegistry metrics = new MetricRegistry();
    SwitchableGenerator generator = new SwitchableGenerator(mesh(prefixes("/", "a")));
    XdsServer server = start(XdsServer.builder(generator, () -> CONTEXT).metrics(metrics));
    ProxyNode node = sidecar("app");
    envoy(server, node);
    awaitAll(server, node.id(), SyncState.SYNCED);
    server.requestPush("test");
    await().atMost(10, TimeUnit.SECONDS).until(() -> server.lastPush().isPresent());

    String text = metrics.renderPrometheus();

    assertThat(text)
        .contains("# TYPE pilot_xds gauge\npilot_xds 1\n")
        .contains("pilot_xds_pushes{type=\"cds\"} 1\n")
        .contains("pilot_xds_pushes{type=\"eds\"} 1\n")
        .contains("pilot_xds_pushes{type=\"lds\"} 1\n")
        .contains("pilot_xds_pushes{type=\"rds\"} 1\n")
        .contains("pilot_total_xds_rejects{type=\"rds\"} 0\n")
        .contains("pilot_xds_push_time_count 1\n")
        .contains("pilot_xds_push_time_bucket{le=\"+Inf\"} 1\n")
        .containsPattern("pilot_xds_push_time_sum [0-9.E-]+\n");
  }

  @Test
  void closeStopsEveryThreadItStarted() throws Exception {
    SwitchableGenerator generator = new SwitchableGenerator(mesh(prefixes("/", "a")));
    XdsServer server =
        XdsServer.builder(generator, () -> CONTEXT)
            .address(new InetSocketAddress("127.0.0.1", 0))
            .start();
    ProxyNode node = sidecar("app");
    AdsTestClient client = AdsTestClient.connect(server.port(), node.toEnvoyNode());
    toClose.add(client);
    client.followLikeEnvoy().subscribe(CLUSTERS).subscribe(LISTENERS);
    awaitAll(server, node.id(), SyncState.SYNCED);
    String prefix = server.threadNamePrefix();
    assertThat(liveThreads(prefix)).isNotEmpty();

    server.close();

    assertThat(client.closed().get(10, TimeUnit.SECONDS).isOk()).isFalse();
    await().atMost(10, TimeUnit.SECONDS).until(() -> liveThreads(prefix).isEmpty());
  }

  @Test
  void aServerThatCannotBindFailsAndLeavesNoThreads() throws Exception {
    XdsServer first =
        start(XdsServer.builder(new SwitchableGenerator(ProxyResources.EMPTY), () -> CONTEXT));
    XdsServer.Builder second =
        XdsServer.builder(new SwitchableGenerator(ProxyResources.EMPTY), () -> CONTEXT)
            .address(new InetSocketAddress("127.0.0.1", first.port()));

    assertThatThrownBy(second::start).isInstanceOf(IOException.class);

    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(
            () ->
                liveThreads("bowline-xds-").stream()
                    .allMatch(name -> name.startsWith(first.threadNamePrefix())));
  }

  private static List<String> liveThreads(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(name -> name.startsWith(prefix))
        .toList();
  }
}
