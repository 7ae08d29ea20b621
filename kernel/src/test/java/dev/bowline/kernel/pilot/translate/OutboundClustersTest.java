package dev.bowline.kernel.pilot.translate;

import static dev.bowline.kernel.pilot.translate.VirtualServiceRoutesTest.API;
import static dev.bowline.kernel.pilot.translate.VirtualServiceRoutesTest.WEB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.proxy.config.ClusterConfig;
import dev.bowline.proxy.config.ClusterConfig.CircuitBreakerLimits;
import dev.bowline.proxy.config.ClusterTranslator;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** DestinationRule traffic policies on outbound clusters, as the proxy reads them. */
class OutboundClustersTest {

  private static Map<String, ClusterConfig> clusters(ConfigFixtures config) throws Exception {
    PushContext context =
        new PushContext(config.snapshot(), VirtualServiceRoutesTest.registry(), MeshSettings.DEFAULTS);
    ProxyResources r =
        new XdsTranslator().translate(VirtualServiceRoutesTest.shopSidecar(Map.of()), context);
    return ProxyAcceptance.check(r).clusters();
  }

  @Test
  void connectionPoolAndLoadBalancerBecomeClusterSettings() throws Exception {
    Map<String, ClusterConfig> c = clusters(new ConfigFixtures().add(
        """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: api, namespace: shop}
        spec:
          host: api.shop.svc.cluster.local
          trafficPolicy:
            loadBalancer: {simple: LEAST_CONN}
            connectionPool:
              tcp: {maxConnections: 100, connectTimeout: 250ms}
              http:
                http1MaxPendingRequests: 10
                http2MaxRequests: 200
                maxRequestsPerConnection: 5
                maxRetries: 4
                idleTimeout: 30s
          subsets:
          - name: fast
            labels: {track: canary}
            trafficPolicy:
              connectionPool:
                http: {http2MaxRequests: 7}
        """));
    ClusterConfig api = c.get("outbound|80||" + API);
    assertThat(api.lbPolicy()).isEqualTo("bowline.lb.least_request");
    assertThat(api.limits()).isEqualTo(new CircuitBreakerLimits(100, 10, 200, 4));
    assertThat(api.connectTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(api.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(api.maxRequestsPerConnection()).isEqualTo(5);
    assertThat(api.protocol()).isEqualTo(ClusterConfig.UpstreamProtocol.HTTP1);

    ClusterConfig fast = c.get("outbound|80|fast|" + API);
    assertThat(fast.lbPolicy()).as("inherited").isEqualTo("bowline.lb.least_request");
    int max = Integer.MAX_VALUE;
    assertThat(fast.limits())
        .as("the subset's connection pool replaces the rule's whole")
        .isEqualTo(new CircuitBreakerLimits(max, max, 7, max));
    assertThat(fast.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(fast.idleTimeout()).isEqualTo(ClusterTranslator.DEFAULT_IDLE_TIMEOUT);
  }

  @Test
  void anExactHostBeatsAWildcardAndUnsupportedBalancersFallBackToRoundRobin() throws Exception {
    Map<String, ClusterConfig> c = clusters(new ConfigFixtures().add(
        """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: all-shop, namespace: istio-system}
        spec:
          host: "*.shop.svc.cluster.local"
          trafficPolicy:
            loadBalancer: {simple: RANDOM}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: api, namespace: shop}
        spec:
          host: api
          trafficPolicy:
            loadBalancer: {simple: PASSTHROUGH}
            connectionPool:
              tcp: {connectTimeout: nonsense}
        """));
    assertThat(c.get("outbound|80||" + WEB).lbPolicy()).isEqualTo("bowline.lb.random");
    assertThat(c.get("outbound|8080||" + WEB).lbPolicy()).isEqualTo("bowline.lb.random");
    assertThat(c.get("outbound|80||" + API).lbPolicy()).isEqualTo("bowline.lb.round_robin");
    assertThat(c.get("outbound|80||" + API).connectTimeout())
        .as("a bad duration keeps the default").isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void proxylessClientsGetRoundRobinForRandom() {
    Cluster random =
        Cluster.newBuilder().setName("c").setLbPolicy(Cluster.LbPolicy.RANDOM).build();
    assertThat(OutboundClusters.forProxyless(random).getLbPolicy())
        .isEqualTo(Cluster.LbPolicy.ROUND_ROBIN);
    Cluster least = random.toBuilder().setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST).build();
    assertThat(OutboundClusters.forProxyless(least)).isSameAs(least);
  }
}
