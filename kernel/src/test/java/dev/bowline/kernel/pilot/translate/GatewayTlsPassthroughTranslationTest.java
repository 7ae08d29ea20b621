package dev.bowline.kernel.pilot.translate;

import static dev.bowline.kernel.pilot.translate.RouteFiltersTranslationTest.sidecar;
import static dev.bowline.kernel.pilot.translate.RouteFiltersTranslationTest.unpack;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A gateway's TLS servers in PASSTHROUGH mode: the {@code tls_inspector} and a {@code tcp_proxy}
 * filter chain per SNI name set of the bound VirtualServices' {@code tls} rules; and the listener
 * the proxy accepts.
 */
class GatewayTlsPassthroughTranslationTest {

  static final String CONFIG =
      """
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata: {name: edge, namespace: shop}
      spec:
        selector: {istio: ingressgateway}
        servers:
        - port: {number: 443, name: tls, protocol: TLS}
          hosts: ["*.shop.example.com"]
          tls: {mode: PASSTHROUGH}
        - port: {number: 8443, name: https, protocol: HTTPS}
          hosts: [admin.shop.example.com]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: web, namespace: shop}
      spec:
        hosts: ["web.shop.example.com", "*.shop.example.com"]
        gateways: [edge]
        tls:
        - match: [{sniHosts: [web.shop.example.com], port: 443}]
          route:
          - {destination: {host: web, port: {number: 80}}, weight: 90}
          - {destination: {host: api, port: {number: 80}}, weight: 10}
        - match: [{sniHosts: [web.shop.example.com]}]
          route: [{destination: {host: api}}]
        - match: [{sniHosts: ["*.shop.example.com"], gateways: [shop/other]}]
          route: [{destination: {host: api}}]
        - match: [{sniHosts: [admin.shop.example.com, elsewhere.example.org]}]
          route: [{destination: {host: api}}]
      """;

  private static Listener listener(ProxyResources r, String name) {
    return r.listeners().stream().filter(l -> l.getName().equals(name)).findFirst().orElse(null);
  }

  private static TcpProxy tcpProxy(FilterChain chain) {
    return unpack(chain.getFilters(0).getTypedConfig(), TcpProxy.class);
  }

  @Test
  void tlsRulesBecomeSniChainsThatProxyTheEncryptedConnection() throws Exception {
    ProxyResources r =
        sidecar(new ConfigFixtures().add(CONFIG), Bookinfo.gateway("shop", Map.of("istio", "ingressgateway")));

    Listener tls = listener(r, "0.0.0.0_443");
    assertThat(tls.getListenerFiltersList()).extracting(f -> f.getName())
        .containsExactly("envoy.filters.listener.tls_inspector");
    assertThat(tls.getFilterChainsList())
        .extracting(c -> c.getFilterChainMatch().getServerNamesList().toString())
        .as("the second web rule's names are taken; the other gateway's rule does not apply;"
            + " a name outside the server's hosts is left out")
        .containsExactly("[web.shop.example.com]", "[admin.shop.example.com]");
    FilterChain web = tls.getFilterChains(0);
    assertThat(web.hasTransportSocket()).as("TLS is not terminated").isFalse();
    assertThat(tcpProxy(web).getWeightedClusters().getClustersList())
        .extracting(c -> c.getName() + "=" + c.getWeight())
        .containsExactly(
            "outbound|80||" + VirtualServiceRoutesTest.WEB + "=90",
            "outbound|80||" + VirtualServiceRoutesTest.API + "=10");
    assertThat(tcpProxy(tls.getFilterChains(1)).getCluster())
        .isEqualTo("outbound|80||" + VirtualServiceRoutesTest.API);

    Listener https = listener(r, "0.0.0.0_8443");
    assertThat(https.getFilterChainsList())
        .as("an HTTPS server without mode passes through too (Istio's default)")
        .extracting(c -> c.getFilterChainMatch().getServerNamesList().toString())
        .containsExactly("[admin.shop.example.com]");

    assertThat(ProxyAcceptance.check(r).listeners()).containsKeys("0.0.0.0_443", "0.0.0.0_8443");
  }

  @Test
  void noApplicableRuleGivesNoListener() {
    String other = CONFIG.replace("gateways: [edge]", "gateways: [shop/other]");
    ProxyResources r =
        sidecar(new ConfigFixtures().add(other), Bookinfo.gateway("shop", Map.of("istio", "ingressgateway")));
    assertThat(listener(r, "0.0.0.0_443")).isNull();
  }
}
