package dev.bowline.kernel.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.bowline.kernel.controlplane.ControlPlane;
import dev.bowline.kernel.controlplane.ControlPlaneOptions;
import dev.bowline.kernel.controlplane.IdentityBackend;
import dev.bowline.kernel.controlplane.JoinedSidecars;
import dev.bowline.kernel.pilot.config.ApplyOutcome;
import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.kernel.pilot.xds.ProxyStatus;
import dev.bowline.kernel.pilot.xds.TrustBundleClient;
import dev.bowline.kernel.pilot.xds.TrustBundleSecret;
import dev.bowline.kernel.plugin.CaPluginJar;
import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.kernel.plugin.PluginHostConfig;
import dev.bowline.kernel.proxy.JoinCredentials;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.spi.model.SpiffeId;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proxyless gRPC through {@code bowline agent} against a control plane with no plaintext port: the
 * agent joins with a token for service account {@code orders} (Citadel from the real ca-selfsigned
 * plugin), writes the application's bootstrap, and grpc-java's own xDS client, built from that
 * file, resolves {@code xds:///echo.internal:50051} through the agent and calls real backends.
 */
class ProxylessAgentTest {

  private static final String TARGET = "xds:///echo.internal:50051";
  private static final String NODE_ID = "orders-client-1";
  private static final SpiffeId ORDERS = SpiffeId.forServiceAccount("cluster.local", "default", "orders");
  private static final Duration FIRST_CALL = Duration.ofSeconds(30);
  private static final Duration CALL = Duration.ofSeconds(5);
  private static final Duration CONVERGENCE = Duration.ofSeconds(10);

  @TempDir Path dir;

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private ControlPlane controlPlane;
  private AgentRuntime agent;
  private Path bootstrap;
  private final List<IdentityBackend> backends = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    for (String name : List.of("backend-a", "backend-b")) {
      IdentityBackend backend = IdentityBackend.start(name);
      toClose.add(backend);
      backends.add(backend);
    }
    PluginHost plugins = PluginHost.start(
        PluginHostConfig.of(CaPluginJar.installInto(dir.resolve("plugins"))).withDataDir(dir.resolve("data")),
        new MetricRegistry());
    toClose.add(plugins);
    controlPlane = ControlPlane.start(new ControlPlaneOptions(Optional.empty(), Optional.of(dir.resolve("data")),
        new InetSocketAddress("127.0.0.1", 0), Optional.empty(), new InetSocketAddress("127.0.0.1", 0),
        MeshSettings.DEFAULTS, Duration.ofSeconds(10), ControlPlaneOptions.DEFAULT_CA), plugins);
    toClose.add(controlPlane);
    List<ApplyOutcome> outcomes = controlPlane.store().apply("echo", serviceEntry(), "api");
    assertThat(outcomes).isNotEmpty().noneMatch(ApplyOutcome::rejected);

    bootstrap = dir.resolve("grpc-bootstrap.json");
    agent = AgentRuntime.start(new AgentOptions(
        "127.0.0.1:" + controlPlane.secureAddress().getPort(),
        new JoinCredentials(Optional.of(JoinedSidecars.token(controlPlane, "orders")), controlPlane.trustBundle(),
            JoinedSidecars.TRUST_DOMAIN),
        new InetSocketAddress("127.0.0.1", 0),
        new ProxylessNode(NODE_ID, "default", Optional.empty(), Map.of("app", "orders")),
        bootstrap));
    toClose.add(agent::stop);
  }

  @AfterEach
  void stop() throws Exception {
    Collections.reverse(toClose);
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  @Test
  void grpcJavaResolvesAndCallsThroughTheAgentOverMutualTls() throws Exception {
    ManagedChannel channel = xdsChannel(bootstrap);
    toClose.add(() -> {
      channel.shutdownNow();
      channel.awaitTermination(5, TimeUnit.SECONDS);
    });

    assertThat(call(channel, FIRST_CALL)).as("the first call, once resolved through the agent")
        .isIn(backends.get(0).name(), backends.get(1).name());
    await().atMost(CONVERGENCE).untilAsserted(() -> {
      List<String> answered = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        answered.add(call(channel, CALL));
      }
      assertThat(new HashSet<>(answered)).containsExactlyInAnyOrder(backends.get(0).name(), backends.get(1).name());
    });

    assertThat(agent.identity()).hasValue(ORDERS);
    await().atMost(CONVERGENCE).untilAsserted(() -> {
      ProxyStatus status = controlPlane.xds().status(NODE_ID).orElseThrow();
      assertThat(status.type()).isEqualTo(ProxyNode.Type.PROXYLESS);
      assertThat(status.namespace()).isEqualTo("default");
      assertThat(status.types()).isNotEmpty();
      assertThat(status.types().values()).allSatisfy(t -> {
        assertThat(t.rejectMessage()).as("NACK message").isEmpty();
        assertThat(t.state()).isEqualTo(ProxyStatus.SyncState.SYNCED);
      });
    });
    await().atMost(CONVERGENCE).untilAsserted(() -> assertThat(controlPlane.xds().trustBundleClients())
        .as("the agent, subscribed to ROOTCA on the application's stream")
        .anySatisfy(c -> {
          assertThat(c.nodeId()).isEqualTo(NODE_ID);
          assertThat(c.identity()).hasValue(ORDERS);
          assertThat(c.heldVersion()).isEqualTo(TrustBundleSecret.versionOf(controlPlane.trustBundle()));
        }));
  }

  @Test
  void aNodeClaimingAnotherServiceAccountIsRefusedByTheAgent() throws Exception {
    await().atMost(FIRST_CALL).until(() -> agent.identity().isPresent());
    ManagedChannel toAgent = Grpc.newChannelBuilder(
        "127.0.0.1:" + agent.listenAddress().getPort(), InsecureChannelCredentials.create()).build();
    toClose.add(() -> {
      toAgent.shutdownNow();
      toAgent.awaitTermination(5, TimeUnit.SECONDS);
    });
    AppStream intruder = AppStream.open(toAgent);
    intruder.send(DiscoveryRequest.newBuilder()
        .setNode(Node.newBuilder().setId("payments-1").setMetadata(Struct.newBuilder()
            .putFields("NAMESPACE", Value.newBuilder().setStringValue("default").build())
            .putFields("SERVICE_ACCOUNT", Value.newBuilder().setStringValue("payments").build())))
        .setTypeUrl("type.googleapis.com/envoy.config.listener.v3.Listener")
        .addResourceNames("echo.internal:50051")
        .build());

    Status status = intruder.closed().get(10, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(status.getDescription()).contains("'payments'", ORDERS.toString());
    assertThat(controlPlane.xds().status("payments-1")).as("the control plane never saw it").isEmpty();
    assertThat(controlPlane.xds().trustBundleClients()).extracting(TrustBundleClient::nodeId)
        .doesNotContain("payments-1");
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
          - address: 127.0.0.1
            ports: {grpc: %d}
        """.formatted(backends.get(0).port(), backends.get(1).port());
  }

  /**
   * A channel whose {@code xds} resolver reads the bootstrap the agent wrote. As in {@code
   * ProxylessGrpcTest}: grpc-java keeps the JVM-wide bootstrap for the life of the JVM, so the
   * channel gets a resolver of its own with this file's content.
   */
  @SuppressWarnings({"deprecation", "unchecked"}) // nameResolverFactory: the per-channel way to give a bootstrap
  private static ManagedChannel xdsChannel(Path bootstrapFile) throws Exception {
    Map<String, ?> bootstrap = new ObjectMapper().readValue(bootstrapFile.toFile(), Map.class);
    return NettyChannelBuilder.forTarget(TARGET, InsecureChannelCredentials.create())
        .nameResolverFactory(XdsNameResolverProvider.createForTest("xds", bootstrap))
        .build();
  }

  private static String call(ManagedChannel channel, Duration deadline) {
    return IdentityBackend.who(channel,
        CallOptions.DEFAULT.withWaitForReady().withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS));
  }
}
