package dev.bowline.kernel.pilot.translate;

import static dev.bowline.kernel.pilot.translate.SidecarTranslationTest.clusters;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.proxy.route.DirectResponseAction;
import dev.bowline.proxy.route.ForwardAction;
import dev.bowline.proxy.route.RedirectAction;
import dev.bowline.proxy.route.RouteEntry;
import dev.bowline.proxy.route.RouteTable;
import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.model.Hostname;
import dev.bowline.spi.model.Protocol;
import dev.bowline.spi.model.Service;
import dev.bowline.spi.model.ServicePort;
import dev.bowline.spi.platform.PlatformSnapshot;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.route.v3.Route;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * VirtualService HTTP rules as sidecars get them, checked by routing requests through the proxy's
 * compiled route table.
 */
class VirtualServiceRoutesTest {

  static final String WEB = "web.shop.svc.cluster.local";
  static final String API = "api.shop.svc.cluster.local";

  static final String API_DR =
      """
      apiVersion: networking.istio.io/v1beta1
      kind: DestinationRule
      metadata: {name: api, namespace: shop}
      spec:
        host: api
        subsets:
        - name: stable
          labels: {track: stable}
        - name: canary
          labels: {track: canary}
      """;

  static PlatformSnapshot registry() {
    Service web =
        Bookinfo.service("web", "shop", ServicePort.of("http", 80, Protocol.HTTP),
            ServicePort.of("http-admin", 8080, Protocol.HTTP));
    Service api = Bookinfo.service("api", "shop", ServicePort.of("http", 80, Protocol.HTTP));
    return new PlatformSnapshot(
        List.of(web, api),
        Map.of(Hostname.of(API), Map.of("http", List.of(
            new Endpoint("10.1.0.1", 8000, Map.of("track", "stable"),
                dev.bowline.spi.model.Locality.UNKNOWN, 1, dev.bowline.spi.model.HealthStatus.HEALTHY),
            new Endpoint("10.1.0.2", 8000, Map.of("track", "canary"),
                dev.bowline.spi.model.Locality.UNKNOWN, 1, dev.bowline.spi.model.HealthStatus.UNKNOWN)))),
        List.of());
  }

  static RouteTable outbound(ConfigFixtures config, ProxyNode node) throws Exception {
    PushContext context = new PushContext(config.snapshot(), registry(), MeshSettings.DEFAULTS);
    ProxyResources r = new XdsTranslator().translate(node, context);
    return ProxyAcceptance.check(r).routes().get("outbound");
  }

  static ProxyNode shopSidecar(Map<String, String> labels) {
    return Bookinfo.sidecar("shop", "client", labels);
  }

  @Test
  void matchEntriesAreOredAndTheirConditionsAnded() throws Exception {
    ConfigFixtures config = new ConfigFixtures().add(API_DR).add(
        """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: web, namespace: shop}
        spec:
          hosts: [web]
          http:
          - name: api
            match:
            - uri: {prefix: /api}
              method: {exact: POST}
            - uri: {exact: /login}
              ignoreUriCase: true
            route:
            - destination: {host: api}
          - match:
            - uri: {regex: "/v[0-9]+/.*"}
              headers:
                x-canary: {}
                x-tenant: {prefix: acme}
              withoutHeaders:
                x-block: {}
              queryParams:
                debug: {exact: "1"}
            route:
            - destination: {host: api, subset: canary}
          - route:
            - destination: {host: web}
        """);
    RouteTable t = outbound(config, shopSidecar(Map.of()));
    String api = "outbound|80||" + API;
    String canary = "outbound|80|canary|" + API;
    String web = "outbound|80||" + WEB;
    assertThat(clusters(t.route(TestRequest.get("web", "/api/x").method("POST")))).containsExactly(api);
    assertThat(clusters(t.route(TestRequest.get("web", "/api/x")))).containsExactly(web);
    assertThat(clusters(t.route(TestRequest.get("web", "/LOGIN")))).containsExactly(api);
    assertThat(t.route(TestRequest.get("web", "/LOGIN")).name()).isEqualTo("api");
    TestRequest v2 =
        TestRequest.get("web", "/v2/items?debug=1").header("x-canary", "").header("x-tenant", "acme-1");
    assertThat(clusters(t.route(v2))).containsExactly(canary);
    assertThat(clusters(t.route(v2.header("x-block", "yes")))).containsExactly(web);
    assertThat(clusters(t.route(
            TestRequest.get("web", "/v2/items").header("x-canary", "").header("x-tenant", "acme"))))
        .as("without the query parameter").containsExactly(web);
    assertThat(clusters(t.route(
            TestRequest.get("web", "/v2/items?debug=1").header("x-tenant", "acme"))))
        .as("without the header that must be present").containsExactly(web);
  }

  @Test
  void portAuthorityAndSchemeMatchesAndTheDefaultDestinationPort() throws Exception {
    ConfigFixtures config = new ConfigFixtures().add(
        """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: web, namespace: shop}
        spec:
          hosts: [web.shop.svc.cluster.local]
          http:
          - match: [{port: 8080}]
            route:
            - destination: {host: web, port: {number: 8080}}
          - match:
            - authority: {prefix: web}
              scheme: {exact: https}
            directResponse:
              status: 418
              body: {string: teapot}
          - route:
            - destination: {host: web}
        """);
    RouteTable t = outbound(config, shopSidecar(Map.of()));
    assertThat(clusters(t.route(TestRequest.get("web:8080", "/")))).containsExactly("outbound|8080||" + WEB);
    assertThat(clusters(t.route(TestRequest.get("web", "/"))))
        .as("a destination without port on a multi-port service takes the virtual host's port")
        .containsExactly("outbound|80||" + WEB);
    RouteEntry teapot = t.route(TestRequest.get("web", "/").scheme("https"));
    DirectResponseAction reply = (DirectResponseAction) teapot.action();
    assertThat(reply.status()).isEqualTo(418);
    assertThat(StandardCharsets.UTF_8.decode(reply.body()).toString()).isEqualTo("teapot");
  }

  @Test
  void redirectRewriteTimeoutRetriesAndHeaders() throws Exception {
    ConfigFixtures config = new ConfigFixtures().add(
        """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: api, namespace: shop}
        spec:
          hosts: [api]
          http:
          - match: [{uri: {prefix: /old}}]
            redirect: {uri: /new, authority: new.example.com, redirectCode: 302}
          - match: [{uri: {prefix: /v1/}}]
            rewrite: {uri: /api/, authority: backend.internal}
            timeout: 2.5s
            retries: {attempts: 3, perTryTimeout: 500ms, retryOn: "5xx,gateway-error,429,bogus"}
            headers:
              request:
                set: {x-a: "1"}
                add: {x-b: "2"}
                remove: [x-c]
              response:
                remove: [server]
            route:
            - destination: {host: api}
              headers:
                request:
                  set: {x-dest: d}
          - match: [{uri: {prefix: /strip}}, {uri: {exact: /exact}}]
            rewrite: {uri: /}
            route:
            - destination: {host: api}
          - match: [{uri: {prefix: /regex}}]
            rewrite:
              uriRegexRewrite: {match: "^/regex/(.*)$", rewrite: "/r/\\\\1"}
            retries: {attempts: 0}
            route:
            - destination: {host: api}
        """);
    PushContext context = new PushContext(config.snapshot(), registry(), MeshSettings.DEFAULTS);
    ProxyResources r = new XdsTranslator().translate(shopSidecar(Map.of()), context);
    RouteTable t = ProxyAcceptance.check(r).routes().get("outbound");

    RedirectAction redirect = (RedirectAction) t.route(TestRequest.get("api", "/old/x")).action();
    assertThat(redirect.responseCode()).isEqualTo(302);
    assertThat(redirect.location(TestRequest.get("api", "/old/x"))).isEqualTo("http://new.example.com/new");

    ForwardAction v1 = (ForwardAction) t.route(TestRequest.get("api", "/v1/items?a=b")).action();
    assertThat(v1.rewritePath("/v1/items?a=b")).isEqualTo("/api/items?a=b");
    assertThat(v1.timeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(v1.clusters().get(0).hostRewrite()).hasValue("backend.internal");
    assertThat(v1.retryPolicy()).hasValueSatisfying(p -> {
      assertThat(p.numRetries()).isEqualTo(3);
      assertThat(p.perTryTimeout()).isEqualTo(Duration.ofMillis(500));
      assertThat(p.conditions())
          .containsExactlyInAnyOrder("5xx", "gateway-error", "retriable-status-codes");
      assertThat(p.retryOn()).isEqualTo("5xx,gateway-error,retriable-status-codes");
      assertThat(p.retriableStatusCodes()).containsExactly(429);
    });
    Route v1Route =
        SidecarTranslationTest.vhost(r, API + ":80").getRoutesList().stream()
            .filter(x -> x.getMatch().getPrefix().equals("/v1/")).findFirst().orElseThrow();
    assertThat(v1Route.getRequestHeadersToAddList())
        .extracting(h -> h.getHeader().getKey() + "=" + h.getHeader().getValue() + " " + h.getAppendAction())
        .containsExactly(
            "x-a=1 OVERWRITE_IF_EXISTS_OR_ADD",
            "x-b=2 APPEND_IF_EXISTS_OR_ADD",
            "x-dest=d OVERWRITE_IF_EXISTS_OR_ADD");
    assertThat(v1Route.getRequestHeadersToRemoveList()).containsExactly("x-c");
    assertThat(v1Route.getResponseHeadersToRemoveList()).containsExactly("server");
    assertThat(v1.clusters().get(0).requestHeaders().isEmpty()).isFalse();

    ForwardAction strip = (ForwardAction) t.route(TestRequest.get("api", "/strip/x")).action();
    assertThat(strip.rewritePath("/strip/x?q")).as("Istio's rewrite to /").isEqualTo("/x?q");
    assertThat(strip.rewritePath("/strip")).isEqualTo("/");
    ForwardAction exact = (ForwardAction) t.route(TestRequest.get("api", "/exact")).action();
    assertThat(exact.rewritePath("/exact")).as("an exact match is replaced whole").isEqualTo("/");

    ForwardAction regex = (ForwardAction) t.route(TestRequest.get("api", "/regex/abc")).action();
    assertThat(regex.rewritePath("/regex/abc")).isEqualTo("/r/abc");
    assertThat(regex.retryPolicy()).as("attempts: 0 disables retries").isEmpty();
    assertThat(t.route(TestRequest.get("api", "/elsewhere")))
        .as("a VirtualService has no route beyond its rules").isNull();
  }

  @Test
  void weightedDestinationsKeepTheirWeightsAndHeaders() throws Exception {
    ConfigFixtures config = new ConfigFixtures().add(API_DR).add(
        """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: api, namespace: shop}
        spec:
          hosts: [api]
          http:
          - route:
            - destination: {host: api, subset: stable}
              weight: 90
              headers:
                response: {set: {x-track: stable}}
            - destination: {host: api, subset: canary}
              weight: 10
            - destination: {host: web}
              weight: 0
        """);
    PushContext context = new PushContext(config.snapshot(), registry(), MeshSettings.DEFAULTS);
    ProxyResources r = new XdsTranslator().translate(shopSidecar(Map.of()), context);
    RouteTable t = ProxyAcceptance.check(r).routes().get("outbound");
    ForwardAction split = (ForwardAction) t.route(TestRequest.get("api", "/")).action();
    assertThat(split.clusters()).extracting(c -> c.name() + "=" + c.weight())
        .as("a zero weight gets no traffic and is left out")
        .containsExactly("outbound|80|stable|" + API + "=90", "outbound|80|canary|" + API + "=10");
    var weighted =
        SidecarTranslationTest.vhost(r, API + ":80").getRoutes(0).getRoute().getWeightedClusters();
    assertThat(weighted.getClusters(0).getResponseHeadersToAddList())
        .extracting(HeaderValueOption::getHeader)
        .extracting(h -> h.getKey() + "=" + h.getValue())
        .containsExactly("x-track=stable");
  }

  @Test
  void sourceLabelsSourceNamespaceAndGatewaysSelectTheRulesAProxyGets() throws Exception {
    ConfigFixtures config = new ConfigFixtures().add(API_DR).add(
        """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: api, namespace: shop}
        spec:
          hosts: [api]
          gateways: [mesh, ingress]
          http:
          - match: [{gateways: [ingress]}]
            route:
            - destination: {host: web}
          - match: [{sourceLabels: {app: tester}}]
            route:
            - destination: {host: api, subset: canary}
          - match: [{sourceNamespace: ops}]
            route:
            - destination: {host: web, port: {number: 8080}}
          - route:
            - destination: {host: api, subset: stable}
        """);
    RouteTable tester = outbound(config, shopSidecar(Map.of("app", "tester", "x", "y")));
    assertThat(clusters(tester.route(TestRequest.get("api", "/"))))
        .containsExactly("outbound|80|canary|" + API);
    RouteTable plain = outbound(config, shopSidecar(Map.of("app", "other")));
    assertThat(clusters(plain.route(TestRequest.get("api", "/"))))
        .as("the gateway-only rule is not for sidecars").containsExactly("outbound|80|stable|" + API);
    RouteTable ops = outbound(config, Bookinfo.sidecar("ops", "o", Map.of()));
    assertThat(clusters(ops.route(TestRequest.get("api.shop", "/"))))
        .containsExactly("outbound|8080||" + WEB);
  }

  @Test
  void theOldestVisibleVirtualServiceOfAHostWins() throws Exception {
    String younger =
        """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: a-younger, namespace: shop}
        spec:
          hosts: [api.shop.svc.cluster.local]
          http:
          - route: [{destination: {host: web}}]
        """;
    String older =
        """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: z-older, namespace: ops}
        spec:
          hosts: ["*.shop.svc.cluster.local"]
          exportTo: ["."]
          http:
          - route: [{destination: {host: api.shop.svc.cluster.local, subset: canary}}]
        """;
    ConfigFixtures config = new ConfigFixtures().add(younger, 7).add(older, 3);
    RouteTable inOps = outbound(config, Bookinfo.sidecar("ops", "o", Map.of()));
    assertThat(clusters(inOps.route(TestRequest.get("api.shop", "/"))))
        .as("the older (wildcard) VirtualService wins where it is visible")
        .containsExactly("outbound|80|canary|" + API);
    RouteTable inShop = outbound(config, shopSidecar(Map.of()));
    assertThat(clusters(inShop.route(TestRequest.get("api", "/"))))
        .as("exportTo '.' hides it from other namespaces")
        .containsExactly("outbound|80||" + WEB);
  }

  @Test
  void anInvalidRegexDisablesOnlyItsMatchEntryAndADestinationWithoutHostItsRule() throws Exception {
    ConfigFixtures config = new ConfigFixtures().add(
        """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: api, namespace: shop}
        spec:
          hosts: [api]
          http:
          - match:
            - uri: {regex: "/(unclosed"}
            - uri: {prefix: /ok}
            route: [{destination: {host: web}}]
          - match:
            - headers: {x: {regex: "(?<bad"}}
            route: [{destination: {host: web, port: {number: 8080}}}]
          - route: [{destination: {subset: no-host}}]
          - route: [{destination: {host: api}}]
        """);
    RouteTable t = outbound(config, shopSidecar(Map.of()));
    assertThat(clusters(t.route(TestRequest.get("api", "/ok")))).containsExactly("outbound|80||" + WEB);
    assertThat(clusters(t.route(TestRequest.get("api", "/(unclosed").header("x", "(<bad"))))
        .containsExactly("outbound|80||" + API);
  }
}
