package dev.bowline.kernel.pilot.xds;

import static dev.bowline.kernel.pilot.xds.TestEnvoyResources.apiListener;
import static dev.bowline.kernel.pilot.xds.TestEnvoyResources.edsCluster;
import static dev.bowline.kernel.pilot.xds.TestEnvoyResources.endpoints;
import static dev.bowline.kernel.pilot.xds.TestEnvoyResources.prefixes;
import static dev.bowline.kernel.pilot.xds.TestEnvoyResources.routes;
import static dev.bowline.kernel.pilot.xds.XdsServerTest.CONTEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.kernel.pilot.translate.ProxyResources;
import dev.bowline.kernel.pilot.xds.ProxyStatus.SyncState;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.xds.XdsNameResolverProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * grpc-java's own xDS client (proxyless gRPC, target {@code xds:///echo.internal:50051}) resolves
 * through the server and calls a real gRPC backend, then follows a route change to a new cluster.
 */
class ProxylessGrpcClientTest {

  private static final String TARGET = "echo.internal:50051";
  private static final String A = "outbound|50051|a|echo.internal";
  private static final String B = "outbound|50051|b|echo.internal";
  private static final String NODE_ID = "proxyless-echo-client";

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    Collections.reverse(toClose);
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  /** A gRPC backend whose health service answers SERVING for {@code name}, NOT_FOUND otherwise. */
  private int backend(String name) throws IOException {
    HealthStatusManager health = new HealthStatusManager();
    health.setStatus(name, ServingStatus.SERVING);
    Server server =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(health.getHealthService())
            .build()
            .start();
    toClose.add(
        () -> {
          server.shutdownNow();
          server.awaitTermination(5, TimeUnit.SECONDS);
        });
    return server.getPort();
  }

  private static ProxyResources routeTo(String cluster, Map<String, Integer> portByCluster) {
    return new ProxyResources(
        portByCluster.keySet().stream().map(TestEnvoyResources::edsCluster).toList(),
        portByCluster.entrySet().stream().map(e -> endpoints(e.getKey(), e.getValue())).toList(),
        List.of(apiListener(TARGET, "echo-routes")),
        List.of(routes("echo-routes", prefixes("", cluster))));
  }

  @SuppressWarnings("deprecation") // nameResolverFactory: the per-channel way to pass a bootstrap
  private ManagedChannel xdsChannel(int xdsPort) {
    Map<String, ?> bootstrap =
        Map.of(
            "xds_servers",
            List.of(
                Map.of(
                    "server_uri", "127.0.0.1:" + xdsPort,
                    "channel_creds", List.of(Map.of("type", "insecure")),
                    "server_features", List.of("xds_v3"))),
            "node",
            Map.of("id", NODE_ID, "metadata", Map.of("NAMESPACE", "default")));
    // A resolver of its own with this bootstrap: nothing JVM-wide (no GRPC_XDS_BOOTSTRAP). Built
    // on the transport's builder: Grpc.newChannelBuilder picks the resolver before we can set it.
    ManagedChannel channel =
        NettyChannelBuilder.forTarget("xds:///" + TARGET, InsecureChannelCredentials.create())
            .nameResolverFactory(XdsNameResolverProvider.createForTest("xds", bootstrap))
            .build();
    toClose.add(
        () -> {
          channel.shutdownNow();
          channel.awaitTermination(5, TimeUnit.SECONDS);
        });
    return channel;
  }

  private static ServingStatus check(ManagedChannel channel, String name) {
    try {
      return HealthGrpc.newBlockingStub(channel)
          .withDeadlineAfter(30, TimeUnit.SECONDS) // the first call waits for xDS
          .check(HealthCheckRequest.newBuilder().setService(name).build())
          .getStatus();
    } catch (StatusRuntimeException e) {
      return ServingStatus.UNKNOWN;
    }
  }

  @Test
  void aProxylessGrpcClientCallsThroughTheServedRoutesAndFollowsAChange() throws IOException {
    int portA = backend("a");
    int portB = backend("b");
    SwitchableGenerator generator = new SwitchableGenerator(routeTo(A, Map.of(A, portA)));
    XdsServer server =
        XdsServer.builder(generator, () -> CONTEXT)
            .address(new InetSocketAddress("127.0.0.1", 0))
            .debounce(Duration.ofMillis(20), Duration.ofSeconds(5))
            .start();
    toClose.add(server);
    ManagedChannel channel = xdsChannel(server.port());

    assertThat(check(channel, "a")).isEqualTo(ServingStatus.SERVING);
    ProxyStatus status = server.status(NODE_ID).orElseThrow();
    assertThat(status.type()).isEqualTo(ProxyNode.Type.PROXYLESS);
    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(
            () ->
                server.status(NODE_ID).orElseThrow().types().values().stream()
                    .allMatch(t -> t.state() == SyncState.SYNCED));

    generator.set(routeTo(B, Map.of(A, portA, B, portB)));
    server.requestPush("route to b");

    await()
        .atMost(30, TimeUnit.SECONDS)
        .until(() -> check(channel, "b") == ServingStatus.SERVING);
    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(
            () ->
                server.status(NODE_ID).orElseThrow().types().values().stream()
                    .allMatch(t -> t.state() == SyncState.SYNCED));
    assertThat(server.status(NODE_ID).orElseThrow().types().values())
        .allMatch(t -> t.rejectMessage().isEmpty());
  }
}
