package dev.bowline.proxy.xds;

import static dev.bowline.proxy.xds.EnvoyResources.assignment;
import static dev.bowline.proxy.xds.EnvoyResources.edsCluster;
import static dev.bowline.proxy.xds.EnvoyResources.httpListener;
import static dev.bowline.proxy.xds.EnvoyResources.routes;
import static dev.bowline.proxy.xds.EnvoyResources.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.UInt32Value;
import com.google.rpc.Code;
import dev.bowline.proxy.server.ProxyServer;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.upstream.Cluster;
import dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client against a real ADS server (java-control-plane over gRPC), driving a real proxy, with
 * HTTP traffic through the proxy to real backends.
 */
class XdsClientTest {

  private static final String NODE_ID = "sidecar~127.0.0.1~app-1.default~default.svc.cluster.local";

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private NamedBackend backendA;
  private NamedBackend backendB;
  private AdsTestServer controlPlane;
  private MetricRegistry metrics;
  private ProxyServer proxy;
  private RecordingSink sink;
  private XdsClient client;

  @BeforeEach
  void start() throws IOException {
    backendA = new NamedBackend("A");
    backendB = new NamedBackend("B");
    controlPlane = new AdsTestServer();
    controlPlane.start();
    metrics = new MetricRegistry();
    proxy = new ProxyServer(1, BuiltinLoadBalancers.newRegistry(), f -> null, metrics);
    sink = new RecordingSink(new ProxyServerSink(proxy));
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (client != null) {
      client.close();
    }
    proxy.close();
    controlPlane.close();
    backendA.close();
    backendB.close();
  }

  private static ConditionFactory eventually() {
    return await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20));
  }

  /** The mesh: listener ingress (routes over RDS) → cluster backend (endpoints over EDS). */
  private void serve(String cds, String eds, int backendPort, String lds, String rds) {
    controlPlane.snapshot(NODE_ID,
        snapshot(
            cds, List.of(edsCluster("backend", "backend-svc")),
            eds, List.of(assignment("backend-svc", backendPort)),
            lds, List.of(httpListener("ingress", "local-routes")),
            rds, List.of(routes("local-routes", "backend"))));
  }

  private void startClient() {
    client =
        new XdsClient(
            new XdsClientConfig(controlPlane.target(), Node.newBuilder().setId(NODE_ID).build(),
                Duration.ofMillis(50), Duration.ofMillis(500)),
            sink,
            metrics);
    client.start();
  }

  /** The body of GET / through the proxy, or null while the listener is not there or fails. */
  private String get() {
    Optional<InetSocketAddress> listener = proxy.listenerAddress("ingress");
    if (listener.isEmpty()) {
      return null;
    }
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listener.get().getPort() + "/"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? response.body() : "HTTP " + response.statusCode();
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private void awaitBody(String expected) {
    eventually().untilAsserted(() -> assertThat(get()).isEqualTo(expected));
  }

  private void awaitConnected(boolean connected) {
    eventually().untilAsserted(() -> assertThat(client.status().connected()).isEqualTo(connected));
  }

  @Test
  void servesAListenerWithRdsAndAnEdsClusterFromTheControlPlane() {
    serve("1", "1", backendA.port(), "1", "1");

    startClient();

    awaitBody("A");
    awaitConnected(true);
    XdsStatus status = client.status();
    for (XdsResourceType type : java.util.EnumSet.range(XdsResourceType.CLUSTER, XdsResourceType.ROUTE)) {
      assertThat(status.type(type).ackedVersion()).as(type.shortName()).isEqualTo("1");
      assertThat(status.type(type).lastRejection()).as(type.shortName()).isEmpty();
      assertThat(status.type(type).rejected()).as(type.shortName()).isZero();
    }
    assertThat(controlPlane.requests)
        .allSatisfy(seen -> assertThat(seen.request().getNode().getId()).isEqualTo(NODE_ID));
    assertThat(controlPlane.requests(XdsResourceType.CLUSTER).get(0).getResourceNamesList())
        .isEmpty();
    assertThat(controlPlane.requests(XdsResourceType.LISTENER).get(0).getResourceNamesList())
        .isEmpty();
    assertThat(controlPlane.requests(XdsResourceType.ENDPOINT))
        .last()
        .satisfies(r -> assertThat(r.getResourceNamesList()).containsExactly("backend-svc"));
    assertThat(controlPlane.requests(XdsResourceType.ROUTE))
        .last()
        .satisfies(r -> assertThat(r.getResourceNamesList()).containsExactly("local-routes"));
    List<String> requestOrder =
        controlPlane.requests.stream()
            .map(seen -> XdsResourceType.forTypeUrl(seen.request().getTypeUrl()).orElseThrow())
            .map(XdsResourceType::shortName)
            .distinct()
            .toList();
    assertThat(requestOrder).containsExactly("CDS", "EDS", "LDS", "RDS");
    RecordingSink.Applied firstWithListener =
        sink.applied.stream().filter(a -> !a.listeners().isEmpty()).findFirst().orElseThrow();
    assertThat(firstWithListener.clusters()).singleElement()
        .satisfies(c -> assertThat(c.endpoints()).extracting(e -> e.port())
            .containsExactly(backendA.port()));
    assertThat(metrics.renderPrometheus())
        .contains("envoy_control_plane_connected_state 1\n")
        .contains("envoy_xds_update_success{xds_type=\"cds\"} 1\n")
        .contains("envoy_xds_update_rejected{xds_type=\"cds\"} 0\n");
  }

  @Test
  void anEdsChangeMovesTrafficWithoutRecreatingTheCluster() {
    serve("1", "1", backendA.port(), "1", "1");
    startClient();
    awaitBody("A");
    Cluster cluster = proxy.clusters().get("backend");
    int listenerPort = proxy.listenerAddress("ingress").orElseThrow().getPort();
    int fullApplies = sink.applied.size();

    serve("1", "2", backendB.port(), "1", "1");

    awaitBody("B");
    assertThat(proxy.clusters().get("backend")).isSameAs(cluster);
    assertThat(proxy.listenerAddress("ingress").orElseThrow().getPort()).isEqualTo(listenerPort);
    assertThat(sink.applied).hasSize(fullApplies);
    assertThat(sink.endpointUpdates)
        .last()
        .satisfies(update -> {
          assertThat(update.cluster()).isEqualTo("backend");
          assertThat(update.endpoints()).singleElement()
              .satisfies(e -> assertThat(e.port()).isEqualTo(backendB.port()));
        });
    assertThat(client.status().type(XdsResourceType.ENDPOINT).ackedVersion()).isEqualTo("2");
  }

  @Test
  void anInvalidClusterIsNackedAndTheLastGoodConfigurationKeepsServing() {
    serve("1", "1", backendA.port(), "1", "1");
    startClient();
    awaitBody("A");
    io.envoyproxy.envoy.config.cluster.v3.Cluster bad =
        edsCluster("bad", "bad-svc").toBuilder()
            .setOutlierDetection(OutlierDetection.newBuilder().setConsecutive5Xx(UInt32Value.of(5))
                .addMonitors(TypedExtensionConfig.newBuilder().setName("custom")))
            .build();

    controlPlane.snapshot(NODE_ID,
        snapshot(
            "2", List.of(edsCluster("backend", "backend-svc"), bad),
            "1", List.of(assignment("backend-svc", backendA.port())),
            "1", List.of(httpListener("ingress", "local-routes")),
            "1", List.of(routes("local-routes", "backend"))));

    eventually().untilAsserted(() -> assertThat(controlPlane.requests(XdsResourceType.CLUSTER))
        .anyMatch(DiscoveryRequest::hasErrorDetail));
    DiscoveryRequest nack =
        controlPlane.requests(XdsResourceType.CLUSTER).stream()
            .filter(DiscoveryRequest::hasErrorDetail)
            .findFirst()
            .orElseThrow();
    DiscoveryResponse rejected =
        controlPlane.responses.stream()
            .map(AdsTestServer.Sent::response)
            .filter(r -> r.getTypeUrl().equals(XdsResourceType.CLUSTER.typeUrl()))
            .filter(r -> r.getVersionInfo().equals("2"))
            .findFirst()
            .orElseThrow();
    assertThat(nack.getVersionInfo()).isEqualTo("1");
    assertThat(nack.getResponseNonce()).isEqualTo(rejected.getNonce());
    assertThat(nack.getErrorDetail().getCode()).isEqualTo(Code.INVALID_ARGUMENT_VALUE);
    assertThat(nack.getErrorDetail().getMessage())
        .startsWith("clusters[\"bad\"].outlier_detection.monitors")
        .contains("not supported by Bowline");
    assertThat(get()).isEqualTo("A");
    assertThat(proxy.clusters().get("bad")).isNull();
    XdsStatus.TypeStatus cds = client.status().type(XdsResourceType.CLUSTER);
    assertThat(cds.ackedVersion()).isEqualTo("1");
    assertThat(cds.lastRejection()).hasValueSatisfying(e -> assertThat(e).contains("bad"));
    assertThat(metrics.renderPrometheus())
        .containsPattern("envoy_xds_update_rejected\\{xds_type=\"cds\"} [1-9]");

    serve("3", "1", backendA.port(), "1", "1");

    eventually().untilAsserted(() -> {
      XdsStatus.TypeStatus fixed = client.status().type(XdsResourceType.CLUSTER);
      assertThat(fixed.ackedVersion()).isEqualTo("3");
      assertThat(fixed.lastRejection()).isEmpty();
    });
    assertThat(get()).isEqualTo("A");
  }

  @Test
  void keepsServingWithoutTheControlPlaneAndReconnectsWhenItReturns() throws Exception {
    serve("1", "1", backendA.port(), "1", "1");
    startClient();
    awaitBody("A");
    awaitConnected(true);
    long firstStream = controlPlane.requests.get(0).streamId();

    controlPlane.stop();

    awaitConnected(false);
    assertThat(metrics.renderPrometheus()).contains("envoy_control_plane_connected_state 0\n");
    for (int i = 0; i < 3; i++) {
      assertThat(get()).isEqualTo("A");
    }

    serve("1", "2", backendB.port(), "1", "1");
    controlPlane.start();

    awaitBody("B");
    awaitConnected(true);
    DiscoveryRequest resubscription =
        controlPlane.requests.stream()
            .filter(seen -> seen.streamId() != firstStream)
            .map(AdsTestServer.Seen::request)
            .filter(r -> r.getTypeUrl().equals(XdsResourceType.CLUSTER.typeUrl()))
            .findFirst()
            .orElseThrow();
    assertThat(resubscription.getVersionInfo()).isEqualTo("1");
    assertThat(resubscription.getResponseNonce()).isEmpty();
    assertThat(client.status().type(XdsResourceType.CLUSTER).ackedVersion()).isEqualTo("1");
  }

  @Test
  void closingLeavesNoThreadOfTheClientAndTheProxyServing() throws Exception {
    serve("1", "1", backendA.port(), "1", "1");
    startClient();
    awaitBody("A");
    controlPlane.stop(); // the client is now between reconnection attempts

    client.close();
    client.close();

    eventually().untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(Thread::isAlive)
        .extracting(Thread::getName)
        .noneMatch(name -> name.startsWith("bowline-xds-")));
    assertThat(client.status().connected()).isFalse();
    assertThat(get()).isEqualTo("A");
  }
}
