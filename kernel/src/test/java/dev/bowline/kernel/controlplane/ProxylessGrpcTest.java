package dev.bowline.kernel.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bowline.kernel.pilot.config.ApplyOutcome;
import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.kernel.pilot.xds.ProxyStatus;
import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.kernel.plugin.CaPluginJar;
import dev.bowline.kernel.plugin.PluginHostConfig;
import dev.bowline.proxy.stats.MetricRegistry;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.xds.XdsNameResolverProvider;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proxyless gRPC against the whole control plane: grpc-java's own xDS client (grpc-xds, target
 * {@code xds:///echo.internal:50051}) takes its listener, routes, clusters and endpoints from
 * Pilot's ADS server, which translates a ServiceEntry, a DestinationRule and VirtualServices
 * applied through the config store, and calls three real gRPC backends that answer with their
 * names: round robin over all of them without a VirtualService, a subset when one routes there,
 * and a route chosen by a gRPC metadata header.
 */
class ProxylessGrpcTest {

  private static final String TARGET = "xds:///echo.internal:50051";
  /** Not in Istio's {@code sidecar~...} shape, so Pilot treats the client as proxyless. */
  private static final String NODE_ID = "proxyless-test-1";
  private static final Metadata.Key<String> CANARY =
      Metadata.Key.of("x-canary", Metadata.ASCII_STRING_MARSHALLER);
  /** How long a routing change may take to reach the client. */
  private static final Duration CONVERGENCE = Duration.ofSeconds(10);
  /**
   * The deadline of a call. The first one on a channel waits for the whole xDS exchange, which in
   * a fresh JVM includes loading both sides' Envoy protos: generous, since it bounds only failure.
   */
  private static final Duration FIRST_CALL = Duration.ofSeconds(30);
  private static final Duration CALL = Duration.ofSeconds(5);

  private static final String DESTINATION_RULE =
      """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: echo, namespace: default}
      spec:
        host: echo.internal
        subsets:
        - name: v1
          labels: {version: v1}
        - name: v2
          labels: {version: v2}
      """;

  private static final String ALL_TO_V2 =
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: echo, namespace: default}
      spec:
        hosts: [echo.internal]
        http:
        - route:
          - destination: {host: echo.internal, subset: v2}
            weight: 100
      """;

  private static final String CANARY_TO_V2 =
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: echo, namespace: default}
      spec:
        hosts: [echo.internal]
        http:
        - match:
          - headers:
              x-canary: {exact: "true"}
          route:
          - destination: {host: echo.internal, subset: v2}
        - route:
          - destination: {host: echo.internal, subset: v1}
      """;

  @TempDir Path dataDir;
  @TempDir Path pluginsDir;

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private ControlPlane controlPlane;
  private ManagedChannel channel;
  private IdentityBackend v1a;
  private IdentityBackend v1b;
  private IdentityBackend v2;

  @BeforeEach
  void start() throws Exception {
    v1a = started(IdentityBackend.start("backend-v1-a"));
    v1b = started(IdentityBackend.start("backend-v1-b"));
    v2 = started(IdentityBackend.start("backend-v2"));

    PluginHost plugins = PluginHost.start(
        PluginHostConfig.of(CaPluginJar.installInto(pluginsDir)).withDataDir(dataDir), new MetricRegistry());
    toClose.add(plugins);
    controlPlane =
        ControlPlane.start(
            new ControlPlaneOptions(
                Optional.empty(),
                Optional.of(dataDir),
                new InetSocketAddress("127.0.0.1", 0),
                Optional.of(new InetSocketAddress("127.0.0.1", 0)),
                new InetSocketAddress("127.0.0.1", 0),
                MeshSettings.DEFAULTS,
                Duration.ofSeconds(10),
                ControlPlaneOptions.DEFAULT_CA),
            plugins);
    toClose.add(controlPlane);

    apply("echo-service-entry", serviceEntry());
    apply("echo-destination-rule", DESTINATION_RULE);

    channel = xdsChannel(controlPlane.plaintextXdsAddress().getPort());
    toClose.add(() -> {
      channel.shutdownNow();
      channel.awaitTermination(5, TimeUnit.SECONDS);
    });
    assertThat(call(null, FIRST_CALL))
        .as("the first call, once grpc-java has resolved echo.internal:50051 through Pilot")
        .isIn(v1a.name(), v1b.name(), v2.name());
  }

  @AfterEach
  void stop() throws Exception {
    Collections.reverse(toClose);
    Exception first = null;
    for (AutoCloseable c : toClose) {
      try {
        c.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    toClose.clear();
    if (first != null) {
      throw first;
    }
  }

  @Test
  void withoutAVirtualServiceCallsAreSpreadOverEveryBackend() {
    await()
        .atMost(CONVERGENCE)
        .untilAsserted(() -> assertThat(new HashSet<>(calls(9, null)))
            .as("backends reached by 9 round-robin calls")
            .containsExactlyInAnyOrder(v1a.name(), v1b.name(), v2.name()));
    assertEverythingAcknowledged();
  }

  @Test
  void aVirtualServiceSendsEveryCallToItsSubset() {
    apply("echo-virtual-service", ALL_TO_V2);

    await()
        .atMost(CONVERGENCE)
        .untilAsserted(() -> assertThat(calls(6, null)).containsOnly(v2.name()));
    assertThat(calls(12, null)).as("calls once the route is in place").containsOnly(v2.name());
    assertEverythingAcknowledged();
  }

  @Test
  void aHeaderMatchRoutesByGrpcMetadata() {
    Metadata canary = new Metadata();
    canary.put(CANARY, "true");
    Metadata notCanary = new Metadata();
    notCanary.put(CANARY, "false");
    apply("echo-virtual-service", CANARY_TO_V2);

    await()
        .atMost(CONVERGENCE)
        .untilAsserted(() -> {
          assertThat(calls(6, canary)).as("calls with x-canary: true").containsOnly(v2.name());
          assertThat(new HashSet<>(calls(6, null)))
              .as("calls without x-canary")
              .containsExactlyInAnyOrder(v1a.name(), v1b.name());
        });
    assertThat(new HashSet<>(calls(6, notCanary)))
        .as("calls with x-canary: false")
        .containsExactlyInAnyOrder(v1a.name(), v1b.name());
    assertThat(calls(6, canary)).as("calls with x-canary: true").containsOnly(v2.name());
    assertEverythingAcknowledged();
  }

  private String serviceEntry() {
    return """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: echo, namespace: default}
        spec:
          hosts: [echo.internal]
          location: MESH_INTERNAL
          ports:
          - {number: 50051, name: grpc, protocol: GRPC}
          resolution: STATIC
          endpoints:
          - address: 127.0.0.1
            ports: {grpc: %d}
            labels: {version: v1}
          - address: 127.0.0.1
            ports: {grpc: %d}
            labels: {version: v1}
          - address: 127.0.0.1
            ports: {grpc: %d}
            labels: {version: v2}
        """.formatted(v1a.port(), v1b.port(), v2.port());
  }

  private void apply(String documentName, String yaml) {
    List<ApplyOutcome> outcomes = controlPlane.store().apply(documentName, yaml, "api");
    assertThat(outcomes)
        .as("outcomes of %s: %s", documentName,
            outcomes.stream().flatMap(o -> o.errorMessages().stream()).toList())
        .isNotEmpty()
        .noneMatch(ApplyOutcome::rejected);
  }

  /**
   * A channel whose {@code xds} resolver has this test's bootstrap. grpc-java reads the JVM-wide
   * bootstrap ({@code GRPC_XDS_BOOTSTRAP}, {@code io.grpc.xds.bootstrap}, {@code
   * io.grpc.xds.bootstrapConfig}) once and keeps it for the life of the JVM, so a second test with
   * another control plane port would silently talk to the first one; a resolver of the channel's
   * own keeps the bootstrap to this channel. The builder is Netty's {@code forTarget}, not {@code
   * Grpc.newChannelBuilder}: the latter fixes the registry's {@code xds} resolver when it is built,
   * and a {@code nameResolverFactory} for the same scheme is then ignored.
   */
  @SuppressWarnings("deprecation") // nameResolverFactory: the per-channel way to give a bootstrap
  private static ManagedChannel xdsChannel(int xdsPort) {
    Map<String, ?> bootstrap =
        Map.of(
            "xds_servers",
            List.of(Map.of(
                "server_uri", "127.0.0.1:" + xdsPort,
                "channel_creds", List.of(Map.of("type", "insecure")),
                "server_features", List.of("xds_v3"))),
            "node",
            Map.of("id", NODE_ID, "metadata", Map.of("NAMESPACE", "default")));
    return NettyChannelBuilder.forTarget(TARGET, InsecureChannelCredentials.create())
        .nameResolverFactory(XdsNameResolverProvider.createForTest("xds", bootstrap))
        .build();
  }

  /**
   * One call within {@code deadline}, with {@code headers} when not null; the name of the backend
   * that answered.
   */
  private String call(Metadata headers, Duration deadline) {
    Channel target =
        headers == null
            ? channel
            : ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    return IdentityBackend.who(
        target,
        CallOptions.DEFAULT
            .withWaitForReady()
            .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS));
  }

  /** {@code count} calls one after the other; who answered each. */
  private List<String> calls(int count, Metadata headers) {
    List<String> answered = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      answered.add(call(headers, CALL));
    }
    return answered;
  }

  /** Pilot sees a proxyless client that accepted everything it was sent. */
  private void assertEverythingAcknowledged() {
    await()
        .atMost(CONVERGENCE)
        .untilAsserted(() -> {
          ProxyStatus status = controlPlane.xds().status(NODE_ID).orElseThrow();
          assertThat(status.type()).isEqualTo(ProxyNode.Type.PROXYLESS);
          assertThat(status.types()).isNotEmpty();
          assertThat(status.types().values())
              .allSatisfy(t -> {
                assertThat(t.rejectMessage()).as("NACK message").isEmpty();
                assertThat(t.state()).isEqualTo(ProxyStatus.SyncState.SYNCED);
              });
        });
  }

  private IdentityBackend started(IdentityBackend backend) {
    toClose.add(backend);
    return backend;
  }
}
