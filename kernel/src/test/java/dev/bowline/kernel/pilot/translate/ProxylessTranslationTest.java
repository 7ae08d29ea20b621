package dev.bowline.kernel.pilot.translate;

import static dev.bowline.kernel.pilot.translate.Bookinfo.REVIEWS;
import static dev.bowline.kernel.pilot.translate.SidecarTranslationTest.clusters;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.proxy.route.ForwardAction;
import dev.bowline.proxy.route.RouteTable;
import dev.bowline.spi.model.Protocol;
import dev.bowline.spi.model.Service;
import dev.bowline.spi.model.ServicePort;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What proxyless gRPC clients get: API listeners named host:port, one route table each. */
class ProxylessTranslationTest {

  @Test
  void apiListenersRoutesAndClustersHaveTheShapesGrpcExpects() throws Exception {
    Service echo =
        Bookinfo.service("echo", "apps", ServicePort.of("grpc", 50051, Protocol.GRPC),
            ServicePort.of("tcp", 7000, Protocol.TCP));
    ConfigFixtures config =
        new ConfigFixtures().add(Bookinfo.REVIEWS_DR).add(
            """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews, namespace: default}
            spec:
              hosts: [reviews]
              http:
              - match: [{uri: {prefix: /old}}]
                redirect: {uri: /new}
              - match: [{uri: {prefix: /gone}}]
                directResponse: {status: 410}
              - match:
                - headers:
                    end-user: {exact: jason}
                route:
                - destination: {host: reviews, subset: v2}
              - route:
                - destination: {host: reviews, subset: v1}
            """);
    PushContext context =
        new PushContext(config.snapshot(), Bookinfo.registry(echo), MeshSettings.DEFAULTS);
    ProxyResources r = new XdsTranslator().translate(Bookinfo.proxyless("apps"), context);
    ProxyAcceptance.Accepted accepted = ProxyAcceptance.checkProxyless(r);

    assertThat(r.listeners()).extracting(Listener::getName).contains(
        "echo.apps.svc.cluster.local:50051", "echo.apps:50051", REVIEWS + ":9080",
        "reviews.default:9080")
        .doesNotContain("echo.apps.svc.cluster.local:7000");
    Listener echoListener =
        r.listeners().stream().filter(l -> l.getName().equals("echo.apps:50051")).findFirst()
            .orElseThrow();
    assertThat(echoListener.hasApiListener()).isTrue();
    assertThat(echoListener.getApiListener().getApiListener().getTypeUrl()).isEqualTo(
        "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager");
    HttpConnectionManager hcm = ProxyAcceptance.managers(echoListener).get(0);
    assertThat(hcm.getRds().getRouteConfigName())
        .as("the alias shares the route table of the full name")
        .isEqualTo("echo.apps.svc.cluster.local:50051");
    assertThat(hcm.getRds().getConfigSource().hasAds()).isTrue();
    assertThat(hcm.getHttpFiltersList()).singleElement().satisfies(f ->
        assertThat(f.getTypedConfig().getTypeUrl())
            .isEqualTo("type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"));

    RouteConfiguration echoRoutes =
        ProxyAcceptance.byName(r.routes()).get("echo.apps.svc.cluster.local:50051");
    assertThat(echoRoutes.getVirtualHostsList()).singleElement().satisfies(v ->
        assertThat(v.getDomainsList()).containsExactly("echo.apps.svc.cluster.local:50051",
            "echo.apps.svc.cluster.local", "echo.apps:50051", "echo.apps"));
    assertThat(ProxyAcceptance.referencedClusters(echoRoutes))
        .containsExactly("outbound|50051||echo.apps.svc.cluster.local");

    RouteTable reviews = accepted.routes().get(REVIEWS + ":9080");
    assertThat(clusters(reviews.route(TestRequest.get("reviews.default:9080", "/x")
            .header("end-user", "jason"))))
        .containsExactly("outbound|9080|v2|" + REVIEWS);
    assertThat(clusters(reviews.route(TestRequest.get(REVIEWS + ":9080", "/old/x"))))
        .as("redirects and direct responses are left out: grpc-java refuses the whole table")
        .containsExactly("outbound|9080|v1|" + REVIEWS);
    assertThat(clusters(reviews.route(TestRequest.get(REVIEWS + ":9080", "/gone"))))
        .containsExactly("outbound|9080|v1|" + REVIEWS);
    assertThat(((ForwardAction) reviews.route(TestRequest.get("reviews.default", "/")).action())
            .retryPolicy()).isPresent();

    assertThat(r.clusters()).filteredOn(c -> c.getName().endsWith(REVIEWS))
        .extracting(Cluster::getLbPolicy)
        .as("grpc-java has no RANDOM balancer")
        .containsOnly(Cluster.LbPolicy.ROUND_ROBIN);
    assertThat(r.clusters()).extracting(Cluster::getName)
        .contains("outbound|50051||echo.apps.svc.cluster.local");
  }
}
