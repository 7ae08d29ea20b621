package dev.bowline.kernel.pilot.translate;

import static dev.bowline.kernel.pilot.translate.ConfigFixtures.destinationRule;
import static dev.bowline.kernel.pilot.translate.ConfigFixtures.virtualService;
import static dev.bowline.kernel.pilot.translate.RouteFiltersTranslationTest.route;
import static dev.bowline.kernel.pilot.translate.RouteFiltersTranslationTest.shop;
import static dev.bowline.kernel.pilot.translate.VirtualServiceRoutesTest.API;
import static dev.bowline.kernel.pilot.translate.VirtualServiceRoutesTest.WEB;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.envoyproxy.envoy.config.route.v3.RouteAction.HashPolicy;
import io.envoyproxy.envoy.type.v3.CodecClientType;
import io.envoyproxy.envoy.type.v3.Int64Range;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * DestinationRule policies on the Envoy clusters and routes Pilot emits: consistent hash (cluster
 * {@code lb_policy} and the routes' {@code hash_policy}), outlier detection, port level settings,
 * subset policies merged over the rule's, and the {@code bowline.dev/health-check} annotation.
 */
class DestinationRuleTranslationTest {

  private static Map<String, Cluster> clusters(ProxyResources r) {
    return r.clusters().stream().collect(Collectors.toMap(Cluster::getName, Function.identity()));
  }

  private static final String ROUTES =
      virtualService("shop", "api", """
          hosts: [api]
          http:
          - name: canary
            match: [{headers: {x-canary: {exact: "1"}}}]
            route: [{destination: {host: api, subset: canary}}]
          - name: split
            match: [{uri: {prefix: /split}}]
            route:
            - destination: {host: api, subset: stable}
              weight: 90
            - destination: {host: web}
              weight: 10
          - name: stable
            route: [{destination: {host: api, subset: stable}}]
          """);

  @Test
  void consistentHashSetsTheClusterBalancerAndTheHashPolicyOfEveryRouteToIt() {
    ProxyResources r =
        shop(
            ROUTES,
            destinationRule("shop", "api", """
                host: api
                trafficPolicy:
                  loadBalancer:
                    consistentHash: {httpHeaderName: x-user}
                subsets:
                - name: stable
                  labels: {track: stable}
                  trafficPolicy:
                    loadBalancer:
                      consistentHash:
                        httpCookie: {name: session, path: /, ttl: 30m}
                        maglev: {tableSize: 65537}
                - name: canary
                  labels: {track: canary}
                  trafficPolicy:
                    loadBalancer:
                      consistentHash:
                        useSourceIp: true
                        ringHash: {minimumRingSize: 4096}
                """),
            destinationRule("shop", "web", """
                host: web
                trafficPolicy:
                  loadBalancer:
                    consistentHash: {httpQueryParameterName: user}
                  portLevelSettings:
                  - port: {number: 8080}
                    loadBalancer: {simple: RANDOM}
                """));
    Map<String, Cluster> c = clusters(r);
    Cluster api = c.get("outbound|80||" + API);
    assertThat(api.getLbPolicy()).isEqualTo(Cluster.LbPolicy.RING_HASH);
    assertThat(api.getRingHashLbConfig().getMinimumRingSize().getValue())
        .as("Istio's default ring").isEqualTo(1024);
    Cluster stable = c.get("outbound|80|stable|" + API);
    assertThat(stable.getLbPolicy()).isEqualTo(Cluster.LbPolicy.MAGLEV);
    assertThat(stable.getMaglevLbConfig().getTableSize().getValue()).isEqualTo(65537);
    Cluster canary = c.get("outbound|80|canary|" + API);
    assertThat(canary.getLbPolicy()).isEqualTo(Cluster.LbPolicy.RING_HASH);
    assertThat(canary.getRingHashLbConfig().getMinimumRingSize().getValue()).isEqualTo(4096);
    assertThat(c.get("outbound|80||" + WEB).getLbPolicy()).isEqualTo(Cluster.LbPolicy.RING_HASH);
    assertThat(c.get("outbound|8080||" + WEB).getLbPolicy())
        .as("port level settings replace the load balancer").isEqualTo(Cluster.LbPolicy.RANDOM);

    String vh = API + ":80";
    assertThat(route(r, vh, "canary").getRoute().getHashPolicyList())
        .containsExactly(
            HashPolicy.newBuilder()
                .setConnectionProperties(HashPolicy.ConnectionProperties.newBuilder().setSourceIp(true))
                .build());
    HashPolicy cookie =
        HashPolicy.newBuilder()
            .setCookie(
                HashPolicy.Cookie.newBuilder()
                    .setName("session")
                    .setPath("/")
                    .setTtl(com.google.protobuf.Duration.newBuilder().setSeconds(1800)))
            .build();
    assertThat(route(r, vh, "stable").getRoute().getHashPolicyList()).containsExactly(cookie);
    assertThat(route(r, vh, "split").getRoute().getHashPolicyList())
        .as("one per weighted destination balanced by consistent hash")
        .containsExactly(
            cookie,
            HashPolicy.newBuilder()
                .setQueryParameter(HashPolicy.QueryParameter.newBuilder().setName("user"))
                .build());
    assertThat(route(r, WEB + ":80", "default").getRoute().getHashPolicyList())
        .as("a port without VirtualService still gets its hash policy")
        .containsExactly(
            HashPolicy.newBuilder()
                .setQueryParameter(HashPolicy.QueryParameter.newBuilder().setName("user"))
                .build());
    assertThat(route(r, WEB + ":8080", "default").getRoute().getHashPolicyList()).isEmpty();
  }

  @Test
  void theHeaderHashKeyIsOnRoutesOfTheDestinationOnly() {
    ProxyResources r =
        shop(
            ROUTES,
            destinationRule("shop", "api", """
                host: api
                trafficPolicy:
                  loadBalancer:
                    consistentHash: {httpHeaderName: x-user, minimumRingSize: 2048}
                subsets:
                - {name: stable, labels: {track: stable}}
                - {name: canary, labels: {track: canary}}
                """));
    HashPolicy header =
        HashPolicy.newBuilder()
            .setHeader(HashPolicy.Header.newBuilder().setHeaderName("x-user"))
            .build();
    assertThat(route(r, API + ":80", "canary").getRoute().getHashPolicyList())
        .as("subsets inherit the rule's consistent hash")
        .containsExactly(header);
    assertThat(route(r, API + ":80", "split").getRoute().getHashPolicyList())
        .as("web is not hashed").containsExactly(header);
    assertThat(clusters(r).get("outbound|80|canary|" + API).getRingHashLbConfig().getMinimumRingSize().getValue())
        .as("the deprecated minimumRingSize").isEqualTo(2048);
  }

  @Test
  void outlierDetectionAsIstioWritesIt() {
    ProxyResources r =
        shop(
            destinationRule("shop", "api", """
                host: api
                trafficPolicy:
                  outlierDetection:
                    consecutive5xxErrors: 7
                    consecutiveGatewayErrors: 3
                    interval: 5s
                    baseEjectionTime: 30s
                    maxEjectionPercent: 50
                    minHealthPercent: 25
                subsets:
                - name: stable
                  labels: {track: stable}
                  trafficPolicy:
                    outlierDetection: {consecutiveGatewayErrors: 2}
                - name: canary
                  labels: {track: canary}
                  trafficPolicy:
                    outlierDetection:
                      consecutive5xxErrors: 0
                      splitExternalLocalOriginErrors: true
                      consecutiveLocalOriginFailures: 4
                """));
    Map<String, Cluster> c = clusters(r);
    Cluster api = c.get("outbound|80||" + API);
    assertThat(api.getOutlierDetection())
        .isEqualTo(
            OutlierDetection.newBuilder()
                .setEnforcingSuccessRate(UInt32Value.of(0))
                .setConsecutive5Xx(UInt32Value.of(7))
                .setEnforcingConsecutive5Xx(UInt32Value.of(100))
                .setConsecutiveGatewayFailure(UInt32Value.of(3))
                .setEnforcingConsecutiveGatewayFailure(UInt32Value.of(100))
                .setInterval(com.google.protobuf.Duration.newBuilder().setSeconds(5))
                .setBaseEjectionTime(com.google.protobuf.Duration.newBuilder().setSeconds(30))
                .setMaxEjectionPercent(UInt32Value.of(50))
                .build());
    assertThat(api.getCommonLbConfig().getHealthyPanicThreshold().getValue()).isEqualTo(25.0);

    Cluster stable = c.get("outbound|80|stable|" + API);
    assertThat(stable.getOutlierDetection())
        .as("the subset's outlier detection replaces the rule's whole; 5xx ejection is off")
        .isEqualTo(
            OutlierDetection.newBuilder()
                .setEnforcingSuccessRate(UInt32Value.of(0))
                .setConsecutiveGatewayFailure(UInt32Value.of(2))
                .setEnforcingConsecutiveGatewayFailure(UInt32Value.of(100))
                .setEnforcingConsecutive5Xx(UInt32Value.of(0))
                .build());
    assertThat(stable.getCommonLbConfig().hasHealthyPanicThreshold())
        .as("Istio writes the panic threshold even when 0").isTrue();
    assertThat(stable.getCommonLbConfig().getHealthyPanicThreshold().getValue()).isZero();

    OutlierDetection canary = c.get("outbound|80|canary|" + API).getOutlierDetection();
    assertThat(canary.getConsecutive5Xx().getValue()).isZero();
    assertThat(canary.getEnforcingConsecutive5Xx().getValue()).as("0 disables it").isZero();
    assertThat(canary.getSplitExternalLocalOriginErrors()).isTrue();
    assertThat(canary.getConsecutiveLocalOriginFailure().getValue()).isEqualTo(4);
    assertThat(canary.getEnforcingConsecutiveLocalOriginFailure().getValue()).isEqualTo(100);
    assertThat(canary.getEnforcingLocalOriginSuccessRate().getValue()).isZero();

    assertThat(c.get("outbound|80||" + WEB).hasOutlierDetection()).isFalse();
    assertThat(c.get("outbound|80||" + WEB).hasCommonLbConfig()).isFalse();
  }

  @Test
  void portLevelSettingsOverrideTheRuleAndSubsetPortSettingsOverrideEverything() {
    ProxyResources r =
        shop(
            destinationRule("shop", "web", """
                host: web
                trafficPolicy:
                  loadBalancer: {simple: LEAST_REQUEST}
                  connectionPool:
                    tcp: {maxConnections: 10}
                  outlierDetection: {consecutive5xxErrors: 5}
                  portLevelSettings:
                  - port: {number: 8080}
                    connectionPool:
                      tcp: {maxConnections: 2}
                    outlierDetection: {consecutive5xxErrors: 1}
                subsets:
                - name: admin
                  labels: {role: admin}
                  trafficPolicy:
                    loadBalancer: {simple: RANDOM}
                    portLevelSettings:
                    - port: {number: 8080}
                      loadBalancer:
                        consistentHash: {httpHeaderName: x-admin}
                """));
    Map<String, Cluster> c = clusters(r);
    Cluster web80 = c.get("outbound|80||" + WEB);
    assertThat(web80.getLbPolicy()).isEqualTo(Cluster.LbPolicy.LEAST_REQUEST);
    assertThat(web80.getCircuitBreakers().getThresholds(0).getMaxConnections().getValue()).isEqualTo(10);
    assertThat(web80.getOutlierDetection().getConsecutive5Xx().getValue()).isEqualTo(5);

    Cluster web8080 = c.get("outbound|8080||" + WEB);
    assertThat(web8080.getLbPolicy()).isEqualTo(Cluster.LbPolicy.LEAST_REQUEST);
    assertThat(web8080.getCircuitBreakers().getThresholds(0).getMaxConnections().getValue()).isEqualTo(2);
    assertThat(web8080.getOutlierDetection().getConsecutive5Xx().getValue()).isEqualTo(1);

    Cluster admin80 = c.get("outbound|80|admin|" + WEB);
    assertThat(admin80.getLbPolicy()).isEqualTo(Cluster.LbPolicy.RANDOM);
    assertThat(admin80.getCircuitBreakers().getThresholds(0).getMaxConnections().getValue())
        .as("inherited from the rule").isEqualTo(10);

    Cluster admin8080 = c.get("outbound|8080|admin|" + WEB);
    assertThat(admin8080.getLbPolicy()).isEqualTo(Cluster.LbPolicy.RING_HASH);
    assertThat(admin8080.getCircuitBreakers().getThresholds(0).getMaxConnections().getValue())
        .as("the rule's port settings").isEqualTo(2);
    assertThat(admin8080.getOutlierDetection().getConsecutive5Xx().getValue()).isEqualTo(1);
  }

  @Test
  void theHealthCheckAnnotationBecomesTheClustersHealthChecks() {
    ProxyResources r =
        shop(
            """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: api
                  namespace: shop
                  annotations:
                    bowline.dev/health-check: |
                      http: {path: /healthz, expectedStatuses: [200, 204]}
                      interval: 5s
                      timeout: 250ms
                      healthyThreshold: 2
                      unhealthyThreshold: 4
                spec:
                  host: api
                  subsets:
                  - {name: stable, labels: {track: stable}}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata:
                  name: web
                  namespace: shop
                  annotations:
                    bowline.dev/health-check: '{tcp: {}}'
                spec:
                  host: web
                """);
    Map<String, Cluster> c = clusters(r);
    HealthCheck http =
        HealthCheck.newBuilder()
            .setInterval(com.google.protobuf.Duration.newBuilder().setSeconds(5))
            .setNoTrafficInterval(com.google.protobuf.Duration.newBuilder().setSeconds(5))
            .setTimeout(com.google.protobuf.Duration.newBuilder().setNanos(250_000_000))
            .setHealthyThreshold(UInt32Value.of(2))
            .setUnhealthyThreshold(UInt32Value.of(4))
            .setHttpHealthCheck(
                HealthCheck.HttpHealthCheck.newBuilder()
                    .setPath("/healthz")
                    .setHost(API)
                    .addExpectedStatuses(Int64Range.newBuilder().setStart(200).setEnd(201))
                    .addExpectedStatuses(Int64Range.newBuilder().setStart(204).setEnd(205)))
            .build();
    assertThat(c.get("outbound|80||" + API).getHealthChecksList()).containsExactly(http);
    assertThat(c.get("outbound|80|stable|" + API).getHealthChecksList())
        .as("every cluster of the host").containsExactly(http);
    assertThat(c.get("outbound|8080||" + WEB).getHealthChecksList())
        .containsExactly(
            HealthCheck.newBuilder()
                .setInterval(com.google.protobuf.Duration.newBuilder().setSeconds(10))
                .setNoTrafficInterval(com.google.protobuf.Duration.newBuilder().setSeconds(10))
                .setTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(1))
                .setHealthyThreshold(UInt32Value.of(1))
                .setUnhealthyThreshold(UInt32Value.of(3))
                .setTcpHealthCheck(HealthCheck.TcpHealthCheck.getDefaultInstance())
                .build());
    assertThat(OutboundClusters.forProxyless(c.get("outbound|80||" + API)).getHealthChecksList())
        .as("grpc-java does no active health checking").isEmpty();
  }

  @Test
  void grpcAndHttp2PortsGetGrpcChecksAndHttp2Probes() {
    HealthCheck grpc =
        HealthChecks.of(
            new dev.bowline.kernel.pilot.istio.HealthCheckAnnotation(
                null, null, new dev.bowline.kernel.pilot.istio.HealthCheckAnnotation.Grpc("orders"),
                null, null, null, null),
            dev.bowline.spi.model.Protocol.GRPC, "orders.shop.svc.cluster.local", "test");
    assertThat(grpc.getGrpcHealthCheck().getServiceName()).isEqualTo("orders");
    HealthCheck h2 =
        HealthChecks.of(
            new dev.bowline.kernel.pilot.istio.HealthCheckAnnotation(
                new dev.bowline.kernel.pilot.istio.HealthCheckAnnotation.Http("/ready", "probe.local", null),
                null, null, null, null, null, null),
            dev.bowline.spi.model.Protocol.HTTP2, "orders.shop.svc.cluster.local", "test");
    assertThat(h2.getHttpHealthCheck().getCodecClientType()).isEqualTo(CodecClientType.HTTP2);
    assertThat(h2.getHttpHealthCheck().getHost()).isEqualTo("probe.local");
    assertThat(h2.getHttpHealthCheck().getExpectedStatusesList()).as("Envoy's default: 200").isEmpty();
  }

  @Test
  void h2UpgradePolicyUpgradeSpeaksHttp2Upstream() throws Exception {
    ProxyResources r =
        shop(
            destinationRule("shop", "api", """
                host: api
                trafficPolicy:
                  connectionPool:
                    http: {h2UpgradePolicy: UPGRADE}
                """));
    var options =
        clusters(r).get("outbound|80||" + API).getTypedExtensionProtocolOptionsMap()
            .get(OutboundClusters.HTTP_PROTOCOL_OPTIONS_KEY)
            .unpack(io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.class);
    assertThat(options.getExplicitHttpConfig().hasHttp2ProtocolOptions()).isTrue();
    assertThat(clusters(r).get("outbound|80||" + WEB).getTypedExtensionProtocolOptionsMap()).isEmpty();
  }

  @Test
  void proxylessClientsGetRingHashForMaglev() {
    Cluster maglev =
        Cluster.newBuilder()
            .setName("c")
            .setLbPolicy(Cluster.LbPolicy.MAGLEV)
            .setMaglevLbConfig(
                Cluster.MaglevLbConfig.newBuilder()
                    .setTableSize(com.google.protobuf.UInt64Value.of(65537)))
            .build();
    Cluster forGrpc = OutboundClusters.forProxyless(maglev);
    assertThat(forGrpc.getLbPolicy()).isEqualTo(Cluster.LbPolicy.RING_HASH);
    assertThat(forGrpc.hasMaglevLbConfig()).isFalse();
  }
}
