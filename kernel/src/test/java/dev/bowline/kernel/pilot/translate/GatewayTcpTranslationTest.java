package dev.bowline.kernel.pilot.translate;

import static dev.bowline.kernel.pilot.translate.RouteFiltersTranslationTest.sidecar;
import static dev.bowline.kernel.pilot.translate.RouteFiltersTranslationTest.unpack;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A gateway's TCP servers: a {@code tcp_proxy} listener per port, routed by the {@code tcp} rules
 * of the VirtualServices bound to the Gateway, weights as {@code weighted_clusters}; and the
 * listener the proxy accepts.
 */
class GatewayTcpTranslationTest {

  static final String DB = "db.shop.svc.cluster.local";

  static final String CONFIG =
      """
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata: {name: edge, namespace: shop}
      spec:
        selector: {istio: ingressgateway}
        servers:
        - port: {number: 5432, name: pg, protocol: TCP}
          hosts: ["*"]
        - port: {number: 6379, name: redis, protocol: TCP}
          hosts: ["*"]
        - port: {number: 7000, name: none, protocol: TCP}
          hosts: ["*"]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: db, namespace: shop}
      spec:
        hosts: ["*"]
        gateways: [edge]
        tcp:
        - match: [{port: 5432}]
          route:
          - destination: {host: web, port: {number: 80}}
            weight: 75
          - destination: {host: api, port: {number: 80}}
            weight: 25
          - destination: {host: web, port: {number: 8080}}
            weight: 0
        - match: [{port: 6379, gateways: [shop/edge]}, {port: 1}]
          route:
          - destination: {host: api}
      """;

  private static Listener listener(ProxyResources r, String name) {
    return r.listeners().stream().filter(l -> l.getName().equals(name)).findFirst().orElse(null);
  }

  private static TcpProxy tcpProxy(Listener l) {
    return unpack(l.getFilterChains(0).getFilters(0).getTypedConfig(), TcpProxy.class);
  }

  @Test
  void tcpRulesBecomeTcpProxiesOnTheServerPorts() throws Exception {
    ProxyResources r =
        sidecar(new ConfigFixtures().add(CONFIG), Bookinfo.gateway("shop", Map.of("istio", "ingressgateway")));

    Listener pg = listener(r, "0.0.0.0_5432");
    assertThat(pg.getAddress().getSocketAddress().getPortValue()).isEqualTo(5432);
    assertThat(pg.getFilterChains(0).getFilters(0).getName()).isEqualTo("envoy.filters.network.tcp_proxy");
    TcpProxy split = tcpProxy(pg);
    assertThat(split.getWeightedClusters().getClustersList())
        .extracting(c -> c.getName() + "=" + c.getWeight())
        .as("weight 0 gets no traffic and is left out")
        .containsExactly(
            "outbound|80||" + VirtualServiceRoutesTest.WEB + "=75",
            "outbound|80||" + VirtualServiceRoutesTest.API + "=25");

    TcpProxy redis = tcpProxy(listener(r, "0.0.0.0_6379"));
    assertThat(redis.getCluster())
        .as("the service's only port").isEqualTo("outbound|80||" + VirtualServiceRoutesTest.API);
    assertThat(redis.getStatPrefix()).isEqualTo(redis.getCluster());

    assertThat(listener(r, "0.0.0.0_7000")).as("no rule for the port: no listener").isNull();
    assertThat(r.routes()).as("TCP listeners take no RDS").isEmpty();

    // The proxy accepts the TCP proxies as emitted.
    assertThat(ProxyAcceptance.check(r).listeners()).containsKeys("0.0.0.0_5432", "0.0.0.0_6379");
  }

  @Test
  void otherGatewaysAndPortsDoNotTakeTheRules() {
    String other =
        CONFIG.replace("gateways: [shop/edge]", "gateways: [shop/other]")
            .replace("{port: 1}", "{port: 2}");
    ProxyResources r =
        sidecar(new ConfigFixtures().add(other), Bookinfo.gateway("shop", Map.of("istio", "ingressgateway")));
    assertThat(listener(r, "0.0.0.0_6379")).isNull();
    assertThat(listener(r, "0.0.0.0_5432")).isNotNull();
  }
}
