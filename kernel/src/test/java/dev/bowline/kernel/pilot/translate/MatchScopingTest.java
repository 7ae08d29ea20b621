package dev.bowline.kernel.pilot.translate;

import static dev.bowline.kernel.pilot.translate.ConfigFixtures.virtualService;
import static dev.bowline.kernel.pilot.translate.RouteFiltersTranslationTest.shop;
import static dev.bowline.kernel.pilot.translate.RouteFiltersTranslationTest.sidecar;
import static dev.bowline.kernel.pilot.translate.RouteFiltersTranslationTest.vhost;
import static dev.bowline.kernel.pilot.translate.VirtualServiceRoutesTest.WEB;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Which match entries of a VirtualService a proxy gets, as Istio decides it: {@code port} only on
 * the listener port it names, {@code gateways} per match ({@code mesh} for sidecars, a gateway's
 * name for its listeners, and then source labels are not looked at), {@code sourceLabels} only for
 * proxies carrying those labels; and the Envoy matchers of the conditions.
 */
class MatchScopingTest {

  static final String VS =
      virtualService("shop", "web", """
          hosts: [web.shop.svc.cluster.local]
          gateways: [mesh, ingress]
          http:
          - name: admin-port
            match: [{port: 8080, uri: {prefix: /admin}}]
            route: [{destination: {host: web, port: {number: 8080}}}]
          - name: edge-only
            match: [{gateways: [ingress], sourceLabels: {app: nobody}, uri: {prefix: /edge}}]
            route: [{destination: {host: web}}]
          - name: mesh-only
            match: [{gateways: [mesh], uri: {prefix: /mesh}}]
            route: [{destination: {host: web}}]
          - name: testers
            match: [{sourceLabels: {app: tester}, uri: {prefix: /beta}}]
            route: [{destination: {host: web, port: {number: 8080}}}]
          - name: rest
            route: [{destination: {host: web}}]
          """)
      + """
      ---
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata: {name: ingress, namespace: shop}
      spec:
        selector: {istio: ingressgateway}
        servers:
        - port: {number: 80, name: http, protocol: HTTP}
          hosts: ["*"]
        - port: {number: 8080, name: admin, protocol: HTTP}
          hosts: ["*"]
      """;

  private static List<String> names(List<Route> routes) {
    return routes.stream().map(Route::getName).toList();
  }

  @Test
  void sidecarsGetMeshEntriesOnTheirPortForTheirLabels() {
    ConfigFixtures config = new ConfigFixtures().add(VS);
    ProxyResources tester = sidecar(config, VirtualServiceRoutesTest.shopSidecar(Map.of("app", "tester")));
    assertThat(names(vhost(tester, "outbound", WEB + ":80").getRoutesList()))
        .containsExactly("mesh-only", "testers", "rest");
    assertThat(names(vhost(tester, "outbound", WEB + ":8080").getRoutesList()))
        .as("the port match only on port 8080")
        .containsExactly("admin-port", "mesh-only", "testers", "rest");

    ProxyResources other = sidecar(config, VirtualServiceRoutesTest.shopSidecar(Map.of("app", "web")));
    assertThat(names(vhost(other, "outbound", WEB + ":80").getRoutesList()))
        .as("sourceLabels the proxy does not carry")
        .containsExactly("mesh-only", "rest");
  }

  @Test
  void gatewaysGetTheirEntriesOnTheServerPortAndIgnoreSourceLabelsThere() {
    ProxyResources gw =
        sidecar(new ConfigFixtures().add(VS), Bookinfo.gateway("shop", Map.of("istio", "ingressgateway")));
    assertThat(names(vhost(gw, "http.80", WEB + ":80").getRoutesList()))
        .as("gateways named in the match: sourceLabels are not checked (Istio)")
        .containsExactly("edge-only", "rest");
    assertThat(names(vhost(gw, "http.8080", WEB + ":8080").getRoutesList()))
        .containsExactly("admin-port", "edge-only", "rest");
  }

  @Test
  void withoutHeadersInvertsAndTreatsAMissingHeaderAsEmptyAndRegexStarMeansPresent()
      throws Exception {
    ProxyResources r =
        shop(
            virtualService("shop", "web", """
                hosts: [web]
                http:
                - name: not-internal
                  match:
                  - withoutHeaders:
                      x-internal: {exact: "yes"}
                      x-debug: {}
                    headers:
                      x-user: {regex: "*"}
                    method: {exact: POST}
                    authority: {prefix: web}
                    scheme: {exact: https}
                    uri: {exact: /Orders}
                    ignoreUriCase: true
                    queryParams:
                      v: {regex: "[0-9]+"}
                  route: [{destination: {host: web}}]
                """));
    RouteMatch m = vhost(r, "outbound", WEB + ":80").getRoutes(0).getMatch();
    assertThat(m.getPath()).isEqualTo("/Orders");
    assertThat(m.getCaseSensitive().getValue()).isFalse();
    assertThat(m.getHeadersList())
        .contains(
            HeaderMatcher.newBuilder().setName("x-debug").setPresentMatch(true).setInvertMatch(true).build(),
            HeaderMatcher.newBuilder()
                .setName("x-internal")
                .setInvertMatch(true)
                .setTreatMissingHeaderAsEmpty(true)
                .setStringMatch(StringMatcher.newBuilder().setExact("yes"))
                .build(),
            HeaderMatcher.newBuilder().setName("x-user").setPresentMatch(true).build(),
            HeaderMatcher.newBuilder()
                .setName(":method")
                .setStringMatch(StringMatcher.newBuilder().setExact("POST"))
                .build(),
            HeaderMatcher.newBuilder()
                .setName(":authority")
                .setStringMatch(StringMatcher.newBuilder().setPrefix("web"))
                .build(),
            HeaderMatcher.newBuilder()
                .setName(":scheme")
                .setStringMatch(StringMatcher.newBuilder().setExact("https"))
                .build());
    assertThat(m.getQueryParameters(0).getName()).isEqualTo("v");
    assertThat(m.getQueryParameters(0).getStringMatch().getSafeRegex().getRegex()).isEqualTo("[0-9]+");
    // The proxy compiles what Pilot emitted.
    assertThat(ProxyAcceptance.check(r).routes()).containsKey("outbound");
  }
}
