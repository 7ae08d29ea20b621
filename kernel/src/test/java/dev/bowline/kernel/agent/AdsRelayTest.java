package dev.bowline.kernel.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.bowline.kernel.cli.TestRootPem;
import dev.bowline.proxy.identity.WorkloadSecrets;
import dev.bowline.spi.model.SpiffeId;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.Grpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay between an application's ADS stream and the control plane, over real sockets on both
 * sides: the application a raw gRPC client, the control plane a {@link FakeControlPlane} the test
 * drives. The agent's identity is {@code spiffe://cluster.local/ns/default/sa/orders}.
 */
class AdsRelayTest {

  private static final String CLUSTER_TYPE = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
  private static final SpiffeId AGENT = SpiffeId.forServiceAccount("cluster.local", "default", "orders");

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final CompletableFuture<Void> certificateIn = new CompletableFuture<>();
  private final WorkloadSecrets secrets = new WorkloadSecrets();
  private FakeControlPlane controlPlane;
  private AdsRelay relay;
  private ManagedChannel agent;

  @BeforeEach
  void start() throws Exception {
    controlPlane = FakeControlPlane.start();
    toClose.add(controlPlane);
    ManagedChannel upstream = Grpc.newChannelBuilder(controlPlane.target(), InsecureChannelCredentials.create()).build();
    toClose.add(() -> {
      upstream.shutdownNow();
      upstream.awaitTermination(5, TimeUnit.SECONDS);
    });
    relay = new AdsRelay(upstream, controlPlane.target(), certificateIn,
        new IdentityBinding(() -> Optional.of(AGENT)), secrets);
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
        .addService(relay.service())
        .build()
        .start();
    toClose.add(() -> {
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
    });
    agent = Grpc.newChannelBuilder("127.0.0.1:" + server.getPort(), InsecureChannelCredentials.create()).build();
    toClose.add(() -> {
      agent.shutdownNow();
      agent.awaitTermination(5, TimeUnit.SECONDS);
    });
  }

  @AfterEach
  void stop() throws Exception {
    Collections.reverse(toClose);
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  @Test
  void aStreamIsHeldUntilTheCertificateIsInThenRelayedWithTheAgentsTrustBundleSubscription() throws Exception {
    AppStream app = AppStream.open(agent);
    app.send(firstRequest(node("default", null)));
    await().atMost(Duration.ofSeconds(10)).until(() -> relay.openStreams() == 1);
    assertThat(controlPlane.streamsOpened()).as("upstream streams before the certificate").isZero();

    certificateIn.complete(null);

    DiscoveryRequest first = controlPlane.nextRequest();
    assertThat(first.getTypeUrl()).isEqualTo(CLUSTER_TYPE);
    assertThat(first.getNode().getId()).isEqualTo("orders-1");
    assertThat(first.getNode().getMetadata().getFieldsMap())
        .as("the service account the agent proved, added")
        .containsEntry("SERVICE_ACCOUNT", string("orders"))
        .containsEntry("NAMESPACE", string("default"))
        .containsKey("LABELS");
    DiscoveryRequest subscription = controlPlane.nextRequest();
    assertThat(subscription.getTypeUrl()).isEqualTo(TrustBundleSubscription.TYPE_URL);
    assertThat(subscription.getResourceNamesList()).containsExactly("ROOTCA");
    assertThat(subscription.getVersionInfo()).isEmpty();

    controlPlane.send(response(CLUSTER_TYPE, "1", "n1", Any.pack(Cluster.newBuilder().setName("c1").build())));
    DiscoveryResponse relayed = app.nextResponse();
    assertThat(relayed.getNonce()).isEqualTo("n1");
    assertThat(relayed.getResources(0).unpack(Cluster.class).getName()).isEqualTo("c1");

    app.send(DiscoveryRequest.newBuilder().setTypeUrl(CLUSTER_TYPE).setVersionInfo("1").setResponseNonce("n1").build());
    DiscoveryRequest ack = controlPlane.nextRequest();
    assertThat(ack.getVersionInfo()).isEqualTo("1");
    assertThat(ack.getResponseNonce()).isEqualTo("n1");
    assertThat(ack.hasNode()).as("a later request goes as it came").isFalse();
  }

  @Test
  void secretResponsesAreAnsweredByTheAgentAndNeverForwarded() throws Exception {
    AppStream app = relayedStream();

    controlPlane.send(response(TrustBundleSubscription.TYPE_URL, "v1", "s1", rootCa(TestRootPem.SELF_SIGNED_ROOT)));
    DiscoveryRequest ack = controlPlane.nextRequest();
    assertThat(ack.getTypeUrl()).isEqualTo(TrustBundleSubscription.TYPE_URL);
    assertThat(ack.getResourceNamesList()).containsExactly("ROOTCA");
    assertThat(ack.getVersionInfo()).isEqualTo("v1");
    assertThat(ack.getResponseNonce()).isEqualTo("s1");
    assertThat(ack.hasErrorDetail()).isFalse();
    assertThat(secrets.trustBundle()).containsExactly(root());

    controlPlane.send(response(TrustBundleSubscription.TYPE_URL, "v2", "s2", rootCa("not a certificate")));
    DiscoveryRequest nack = controlPlane.nextRequest();
    assertThat(nack.getVersionInfo()).as("the version still held").isEqualTo("v1");
    assertThat(nack.getResponseNonce()).isEqualTo("s2");
    assertThat(nack.getErrorDetail().getMessage())
        .contains("resources[0].validation_context.trusted_ca.inline_bytes");
    assertThat(secrets.trustBundle()).as("the bundle held is kept").containsExactly(root());

    controlPlane.send(response(CLUSTER_TYPE, "1", "n1", Any.pack(Cluster.newBuilder().setName("c1").build())));
    assertThat(app.nextResponse().getTypeUrl())
        .as("the first response the application sees: the secrets before it were not forwarded")
        .isEqualTo(CLUSTER_TYPE);
  }

  @Test
  void anApplicationAskingForSecretsIsRefused() throws Exception {
    certificateIn.complete(null);
    AppStream app = AppStream.open(agent);
    app.send(DiscoveryRequest.newBuilder().setNode(node("default", "orders"))
        .setTypeUrl(TrustBundleSubscription.TYPE_URL).addResourceNames("default").build());

    Status status = app.closed().get(10, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(status.getDescription()).contains("SDS", "not relayed");
    assertThat(controlPlane.streamsOpened()).isZero();
  }

  @Test
  void aNodeOfAnotherIdentityIsRefusedBeforeAnythingGoesUpstream() throws Exception {
    certificateIn.complete(null);
    AppStream other = AppStream.open(agent);
    other.send(firstRequest(node("default", "payments")));
    Status status = other.closed().get(10, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(status.getDescription()).contains("'payments'", AGENT.toString());

    AppStream noNamespace = AppStream.open(agent);
    noNamespace.send(firstRequest(Node.newBuilder().setId("orders-1").build()));
    assertThat(noNamespace.closed().get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);

    AppStream noNode = AppStream.open(agent);
    noNode.send(DiscoveryRequest.newBuilder().setTypeUrl(CLUSTER_TYPE).build());
    assertThat(noNode.closed().get(10, TimeUnit.SECONDS).getDescription()).contains("must carry the node");
    assertThat(controlPlane.streamsOpened()).isZero();
    assertThat(relay.openStreams()).isZero();
  }

  @Test
  void theControlPlanesErrorReachesTheApplication() throws Exception {
    AppStream app = relayedStream();

    controlPlane.fail(Status.PERMISSION_DENIED.withDescription("node 'orders-1' claims something"));

    Status status = app.closed().get(10, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(status.getDescription()).contains("control plane " + controlPlane.target(), "claims something");
    await().atMost(Duration.ofSeconds(10)).until(() -> relay.openStreams() == 0);
  }

  @Test
  void anApplicationThatCancelsCancelsItsUpstreamStream() throws Exception {
    AppStream app = relayedStream();

    app.cancel();

    assertThat(controlPlane.ended().get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.CANCELLED);
    await().atMost(Duration.ofSeconds(10)).until(() -> relay.openStreams() == 0);
  }

  @Test
  void stoppingEndsTheApplicationsStreamsAndTheirUpstreams() throws Exception {
    AppStream app = relayedStream();
    AppStream held = AppStream.open(agent); // opened before stop, so held or relayed: ended either way

    relay.stop();

    Status status = app.closed().get(10, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(status.getDescription()).contains("the agent is stopping");
    assertThat(held.closed().get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(controlPlane.ended().get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.CANCELLED);
    AppStream late = AppStream.open(agent);
    assertThat(late.closed().get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  /**
   * An application that reads nothing holds the control plane back: the relay takes the next
   * response upstream only when the application can take it, so the control plane's stream stops
   * being ready instead of the agent buffering everything; once the application reads, every
   * response arrives, in order.
   */
  @Test
  void anApplicationThatDoesNotReadHoldsTheControlPlaneBack() throws Exception {
    certificateIn.complete(null);
    AppStream app = AppStream.openWithoutReading(agent);
    app.send(firstRequest(node("default", "orders")));
    controlPlane.nextRequest();
    controlPlane.nextRequest();

    int count = 200;
    ByteString padding = ByteString.copyFrom(new byte[32 * 1024]); // 200 x 32 KiB: far over the windows
    for (int i = 0; i < count; i++) {
      controlPlane.send(response(CLUSTER_TYPE, Integer.toString(i), "n" + i,
          Any.pack(Cluster.newBuilder().setName("c" + i).setAltStatName(padding.toStringUtf8()).build())));
    }
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
        .until(() -> !controlPlane.ready());

    app.take(count);
    for (int i = 0; i < count; i++) {
      assertThat(app.nextResponse().getNonce()).isEqualTo("n" + i);
    }
    await().atMost(Duration.ofSeconds(10)).until(controlPlane::ready);
  }

  /** An application stream relayed upstream, the control plane's two first requests taken. */
  private AppStream relayedStream() throws Exception {
    certificateIn.complete(null);
    AppStream app = AppStream.open(agent);
    app.send(firstRequest(node("default", "orders")));
    assertThat(controlPlane.nextRequest().getTypeUrl()).isEqualTo(CLUSTER_TYPE);
    assertThat(controlPlane.nextRequest().getTypeUrl()).isEqualTo(TrustBundleSubscription.TYPE_URL);
    return app;
  }

  private static Node node(String namespace, String serviceAccount) {
    Struct.Builder metadata = Struct.newBuilder()
        .putFields("NAMESPACE", string(namespace))
        .putFields("LABELS", Value.newBuilder().setStructValue(
            Struct.newBuilder().putFields("app", string("orders"))).build());
    if (serviceAccount != null) {
      metadata.putFields("SERVICE_ACCOUNT", string(serviceAccount));
    }
    return Node.newBuilder().setId("orders-1").setMetadata(metadata).build();
  }

  private static DiscoveryRequest firstRequest(Node node) {
    return DiscoveryRequest.newBuilder().setNode(node).setTypeUrl(CLUSTER_TYPE).build();
  }

  private static DiscoveryResponse response(String typeUrl, String version, String nonce, Any resource) {
    return DiscoveryResponse.newBuilder().setTypeUrl(typeUrl).setVersionInfo(version).setNonce(nonce)
        .addResources(resource).build();
  }

  private static Any rootCa(String pem) {
    return Any.pack(Secret.newBuilder()
        .setName("ROOTCA")
        .setValidationContext(CertificateValidationContext.newBuilder()
            .setTrustedCa(DataSource.newBuilder().setInlineBytes(ByteString.copyFromUtf8(pem))))
        .build());
  }

  private static X509Certificate root() throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(TestRootPem.SELF_SIGNED_ROOT.getBytes(StandardCharsets.US_ASCII)));
  }

  private static Value string(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }
}
