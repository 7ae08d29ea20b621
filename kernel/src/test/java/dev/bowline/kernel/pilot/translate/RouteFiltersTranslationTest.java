package dev.bowline.kernel.pilot.translate;

import static dev.bowline.kernel.pilot.translate.VirtualServiceRoutesTest.API;
import static dev.bowline.kernel.pilot.translate.VirtualServiceRoutesTest.API_DR;
import static dev.bowline.kernel.pilot.translate.VirtualServiceRoutesTest.WEB;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.kernel.pilot.node.ProxyNode;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RateLimit;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction.RequestMirrorPolicy;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.envoyproxy.envoy.type.v3.FractionalPercent.DenominatorType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fault injection, CORS, mirrors and the local rate limit annotation as Envoy route config: the
 * per-route {@code typed_per_filter_config}, {@code request_mirror_policies} and {@code
 * rate_limits}, and the HTTP filters the connection managers list before the router.
 */
class RouteFiltersTranslationTest {

  static final String FAULTY_API =
      """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: api, namespace: shop}
      spec:
        hosts: [api]
        http:
        - name: slow
          match: [{uri: {prefix: /slow}}]
          fault:
            delay: {fixedDelay: 2s, percentage: {value: 12.5}}
          route: [{destination: {host: api, subset: stable}}]
        - name: broken
          match: [{uri: {prefix: /broken}}]
          fault:
            abort: {httpStatus: 503, percentage: {value: 0.1}}
          route: [{destination: {host: api}}]
        - name: grpc
          match: [{uri: {prefix: /grpc}}]
          fault:
            abort: {grpcStatus: UNAVAILABLE}
            delay: {fixedDelay: 100ms, percent: 30}
          route: [{destination: {host: api}}]
        - name: rest
          route: [{destination: {host: api}}]
      """;

  static ProxyResources sidecar(ConfigFixtures config, ProxyNode node) {
    PushContext context =
        new PushContext(config.snapshot(), VirtualServiceRoutesTest.registry(), MeshSettings.DEFAULTS);
    return new XdsTranslator().translate(node, context);
  }

  static ProxyResources shop(ConfigFixtures config) {
    return sidecar(config, VirtualServiceRoutesTest.shopSidecar(Map.of()));
  }

  /** The shop sidecar's resources with these Istio YAML documents, younger ones last. */
  static ProxyResources shop(String... documents) {
    ConfigFixtures config = new ConfigFixtures();
    for (String document : documents) {
      config.add(document);
    }
    return shop(config);
  }

  static VirtualHost vhost(ProxyResources r, String routeConfig, String name) {
    RouteConfiguration rc =
        r.routes().stream().filter(c -> c.getName().equals(routeConfig)).findFirst().orElseThrow();
    return rc.getVirtualHostsList().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no virtual host " + name + " in " + rc));
  }

  static Route route(ProxyResources r, String vhostName, String routeName) {
    return vhost(r, "outbound", vhostName).getRoutesList().stream()
        .filter(x -> x.getName().equals(routeName))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no route " + routeName));
  }

  static <T extends Message> T config(Route route, String filter, Class<T> type) {
    assertThat(route.getTypedPerFilterConfigMap()).containsKey(filter);
    return unpack(route.getTypedPerFilterConfigMap().get(filter), type);
  }

  static <T extends Message> T unpack(Any any, Class<T> type) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  static HttpConnectionManager hcm(ProxyResources r, String listener) {
    Listener l =
        r.listeners().stream().filter(x -> x.getName().equals(listener)).findFirst().orElseThrow();
    return ProxyAcceptance.managers(l).get(0);
  }

  static List<String> filterNames(HttpConnectionManager hcm) {
    return hcm.getHttpFiltersList().stream().map(HttpFilter::getName).toList();
  }

  private static FractionalPercent percent(int numerator, DenominatorType denominator) {
    return FractionalPercent.newBuilder().setNumerator(numerator).setDenominator(denominator).build();
  }

  @Test
  void faultsBecomePerRouteHttpFaultsWithIstiosPercentages() {
    ProxyResources r = shop(new ConfigFixtures().add(API_DR).add(FAULTY_API));
    String vh = API + ":80";

    HTTPFault slow = config(route(r, vh, "slow"), "envoy.filters.http.fault", HTTPFault.class);
    assertThat(slow.getDelay().getFixedDelay().getSeconds()).isEqualTo(2);
    assertThat(slow.getDelay().getPercentage())
        .as("percentage per million, so that fractions survive")
        .isEqualTo(percent(125_000, DenominatorType.MILLION));
    assertThat(slow.hasAbort()).isFalse();

    HTTPFault broken = config(route(r, vh, "broken"), "envoy.filters.http.fault", HTTPFault.class);
    assertThat(broken.getAbort().getHttpStatus()).isEqualTo(503);
    assertThat(broken.getAbort().getPercentage()).isEqualTo(percent(1_000, DenominatorType.MILLION));
    assertThat(broken.hasDelay()).isFalse();

    HTTPFault grpc = config(route(r, vh, "grpc"), "envoy.filters.http.fault", HTTPFault.class);
    assertThat(grpc.getAbort().getGrpcStatus()).as("UNAVAILABLE").isEqualTo(14);
    assertThat(grpc.getAbort().hasPercentage()).as("none given: Envoy's default").isFalse();
    assertThat(grpc.getDelay().getFixedDelay().getNanos()).isEqualTo(100_000_000);
    assertThat(grpc.getDelay().getPercentage())
        .as("the deprecated whole percent, per hundred")
        .isEqualTo(percent(30, DenominatorType.HUNDRED));

    assertThat(route(r, vh, "rest").getTypedPerFilterConfigMap()).isEmpty();
  }

  @Test
  void sidecarsAlwaysListTheRouteFiltersSoARouteChangeReachesOpenConnections() {
    HttpConnectionManager plain = hcm(shop(new ConfigFixtures().add(API_DR)), "virtualOutbound");
    assertThat(filterNames(plain))
        .as("as Istio: listed even when no route uses them")
        .containsExactly(
            "envoy.filters.http.cors",
            "envoy.filters.http.fault",
            "envoy.filters.http.local_ratelimit",
            "envoy.filters.http.router");

    HttpConnectionManager faulty =
        hcm(shop(new ConfigFixtures().add(API_DR).add(FAULTY_API)), "virtualOutbound");
    assertThat(filterNames(faulty)).isEqualTo(filterNames(plain));
    assertThat(unpack(faulty.getHttpFilters(1).getTypedConfig(), HTTPFault.class))
        .as("an empty HTTPFault: routes say what to inject")
        .isEqualTo(HTTPFault.getDefaultInstance());
    assertThat(faulty.getHttpFilters(3).getTypedConfig().is(Router.class)).isTrue();
  }

  @Test
  void corsPoliciesBecomePerRouteCorsPoliciesAndTheCorsFilterComesFirst() {
    ProxyResources r =
        shop(
            new ConfigFixtures()
                .add(
                    """
                    apiVersion: networking.istio.io/v1
                    kind: VirtualService
                    metadata: {name: web, namespace: shop}
                    spec:
                      hosts: [web]
                      http:
                      - name: ui
                        corsPolicy:
                          allowOrigins:
                          - exact: https://shop.example.com
                          - prefix: https://dev.
                          - regex: "https://.*[.]example[.]org"
                          allowMethods: [GET, POST]
                          allowHeaders: [x-user, content-type]
                          exposeHeaders: [x-request-id]
                          maxAge: 24h
                          allowCredentials: true
                        fault:
                          abort: {httpStatus: 418, percentage: {value: 1}}
                        route: [{destination: {host: web}}]
                      - name: legacy
                        match: [{port: 8080}]
                        corsPolicy:
                          allowOrigin: [https://old.example.com]
                          unmatchedPreflights: IGNORE
                        route: [{destination: {host: web}}]
                    """));
    CorsPolicy ui =
        config(route(r, WEB + ":80", "ui"), "envoy.filters.http.cors", CorsPolicy.class);
    assertThat(ui.getAllowOriginStringMatchList())
        .extracting(StringMatcher::toString)
        .containsExactly(
            StringMatcher.newBuilder().setExact("https://shop.example.com").build().toString(),
            StringMatcher.newBuilder().setPrefix("https://dev.").build().toString(),
            StringMatcher.newBuilder()
                .setSafeRegex(
                    io.envoyproxy.envoy.type.matcher.v3.RegexMatcher.newBuilder()
                        .setRegex("https://.*[.]example[.]org"))
                .build()
                .toString());
    assertThat(ui.getAllowMethods()).isEqualTo("GET,POST");
    assertThat(ui.getAllowHeaders()).isEqualTo("x-user,content-type");
    assertThat(ui.getExposeHeaders()).isEqualTo("x-request-id");
    assertThat(ui.getMaxAge()).isEqualTo("86400");
    assertThat(ui.getAllowCredentials().getValue()).isTrue();
    assertThat(ui.getForwardNotMatchingPreflights().getValue()).isTrue();
    assertThat(ui.getFilterEnabled().getDefaultValue()).isEqualTo(percent(100, DenominatorType.HUNDRED));

    CorsPolicy legacy =
        config(route(r, WEB + ":8080", "legacy"), "envoy.filters.http.cors", CorsPolicy.class);
    assertThat(legacy.getAllowOriginStringMatchList())
        .containsExactly(StringMatcher.newBuilder().setExact("https://old.example.com").build());
    assertThat(legacy.getForwardNotMatchingPreflights().getValue()).isFalse();
    assertThat(legacy.hasAllowCredentials()).isFalse();

    HttpConnectionManager hcm = hcm(r, "virtualOutbound");
    assertThat(filterNames(hcm))
        .as("Istio's order: cors, fault, router")
        .containsExactly(
            "envoy.filters.http.cors",
            "envoy.filters.http.fault",
            "envoy.filters.http.local_ratelimit",
            "envoy.filters.http.router");
    assertThat(hcm.getHttpFilters(0).getTypedConfig().is(Cors.class)).isTrue();
  }

  @Test
  void mirrorsBecomeRequestMirrorPoliciesToTheMirroredCluster() {
    ProxyResources r =
        shop(
            new ConfigFixtures()
                .add(API_DR)
                .add(
                    """
                    apiVersion: networking.istio.io/v1
                    kind: VirtualService
                    metadata: {name: api, namespace: shop}
                    spec:
                      hosts: [api]
                      http:
                      - name: tenth
                        match: [{uri: {prefix: /tenth}}]
                        route: [{destination: {host: api, subset: stable}}]
                        mirror: {host: api, subset: canary}
                        mirrorPercentage: {value: 10.5}
                      - name: all
                        match: [{uri: {prefix: /all}}]
                        route: [{destination: {host: api, subset: stable}}]
                        mirror: {host: web, port: {number: 8080}}
                      - name: old
                        match: [{uri: {prefix: /old}}]
                        route: [{destination: {host: api}}]
                        mirror: {host: web}
                        mirrorPercent: 25
                      - name: none
                        match: [{uri: {prefix: /none}}]
                        route: [{destination: {host: api}}]
                        mirror: {host: web}
                        mirrorPercentage: {value: 0}
                      - name: many
                        route: [{destination: {host: api}}]
                        mirrors:
                        - destination: {host: api, subset: canary}
                          percentage: {value: 50}
                        - destination: {host: web}
                    """));
    String vh = API + ":80";
    assertThat(route(r, vh, "tenth").getRoute().getRequestMirrorPoliciesList())
        .containsExactly(mirror("outbound|80|canary|" + API, percent(105_000, DenominatorType.MILLION)));
    assertThat(route(r, vh, "all").getRoute().getRequestMirrorPoliciesList())
        .as("100% when no percentage is given")
        .containsExactly(mirror("outbound|8080||" + WEB, percent(100, DenominatorType.HUNDRED)));
    assertThat(route(r, vh, "old").getRoute().getRequestMirrorPoliciesList())
        .as("the deprecated mirrorPercent; the port of the virtual host")
        .containsExactly(mirror("outbound|80||" + WEB, percent(25, DenominatorType.HUNDRED)));
    assertThat(route(r, vh, "none").getRoute().getRequestMirrorPoliciesList())
        .as("an explicit 0% mirrors nothing").isEmpty();
    assertThat(route(r, vh, "many").getRoute().getRequestMirrorPoliciesList())
        .containsExactly(
            mirror("outbound|80|canary|" + API, percent(500_000, DenominatorType.MILLION)),
            mirror("outbound|80||" + WEB, percent(100, DenominatorType.HUNDRED)));
  }

  private static RequestMirrorPolicy mirror(String cluster, FractionalPercent percent) {
    return RequestMirrorPolicy.newBuilder()
        .setCluster(cluster)
        .setRuntimeFraction(
            io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent.newBuilder()
                .setDefaultValue(percent))
        .setTraceSampled(com.google.protobuf.BoolValue.of(false))
        .build();
  }

  @Test
  void theLocalRateLimitAnnotationGivesRoutesTokenBucketsAndPerClientDescriptors() {
    ProxyResources r =
        shop(
            new ConfigFixtures()
                .add(API_DR)
                .add(
                    """
                    apiVersion: networking.istio.io/v1
                    kind: VirtualService
                    metadata:
                      name: api
                      namespace: shop
                      annotations:
                        bowline.dev/local-rate-limit: |
                          tokens: 100
                          fillInterval: 1s
                          routes:
                            per-user: {tokens: 5, fillInterval: 10s, tokensPerFill: 1, perClient: {header: X-User}}
                            per-ip: {tokens: 20, fillInterval: 500ms, perClient: {sourceIp: true}}
                    spec:
                      hosts: [api]
                      http:
                      - name: per-user
                        match: [{uri: {prefix: /user}}]
                        route: [{destination: {host: api}}]
                      - name: per-ip
                        match: [{uri: {prefix: /ip}}]
                        route: [{destination: {host: api}}]
                      - name: shared
                        route: [{destination: {host: api}}]
                    """));
    String vh = API + ":80";
    Route shared = route(r, vh, "shared");
    LocalRateLimit sharedLimit =
        config(shared, "envoy.filters.http.local_ratelimit", LocalRateLimit.class);
    assertThat(sharedLimit.getTokenBucket().getMaxTokens()).isEqualTo(100);
    assertThat(sharedLimit.getTokenBucket().getTokensPerFill().getValue())
        .as("tokensPerFill defaults to tokens").isEqualTo(100);
    assertThat(sharedLimit.getTokenBucket().getFillInterval().getSeconds()).isEqualTo(1);
    assertThat(sharedLimit.getFilterEnabled().getDefaultValue())
        .isEqualTo(percent(100, DenominatorType.HUNDRED));
    assertThat(sharedLimit.getFilterEnforced().getDefaultValue())
        .isEqualTo(percent(100, DenominatorType.HUNDRED));
    assertThat(sharedLimit.getDescriptorsList()).isEmpty();
    assertThat(sharedLimit.hasAlwaysConsumeDefaultTokenBucket()).isFalse();
    assertThat(shared.getRoute().getRateLimitsList()).isEmpty();

    Route perUser = route(r, vh, "per-user");
    LocalRateLimit user = config(perUser, "envoy.filters.http.local_ratelimit", LocalRateLimit.class);
    assertThat(user.getTokenBucket().getMaxTokens()).isEqualTo(5);
    assertThat(user.getTokenBucket().getTokensPerFill().getValue()).isEqualTo(1);
    assertThat(user.getDescriptorsList()).hasSize(1);
    assertThat(user.getDescriptors(0).getEntriesList())
        .as("an empty value: one bucket per distinct value")
        .singleElement()
        .satisfies(e -> {
          assertThat(e.getKey()).isEqualTo("x-user");
          assertThat(e.getValue()).isEmpty();
        });
    assertThat(user.getDescriptors(0).getTokenBucket()).isEqualTo(user.getTokenBucket());
    assertThat(user.hasAlwaysConsumeDefaultTokenBucket())
        .as("a client's request must not also drain the route's bucket")
        .isTrue();
    assertThat(user.getAlwaysConsumeDefaultTokenBucket().getValue()).isFalse();
    assertThat(perUser.getRoute().getRateLimitsList())
        .containsExactly(
            RateLimit.newBuilder()
                .addActions(
                    RateLimit.Action.newBuilder()
                        .setRequestHeaders(
                            RateLimit.Action.RequestHeaders.newBuilder()
                                .setHeaderName("x-user")
                                .setDescriptorKey("x-user")))
                .build());

    Route perIp = route(r, vh, "per-ip");
    LocalRateLimit ip = config(perIp, "envoy.filters.http.local_ratelimit", LocalRateLimit.class);
    assertThat(ip.getDescriptors(0).getEntries(0).getKey()).isEqualTo("remote_address");
    assertThat(ip.getTokenBucket().getFillInterval().getNanos()).isEqualTo(500_000_000);
    assertThat(perIp.getRoute().getRateLimits(0).getActions(0).hasRemoteAddress()).isTrue();
    assertThat(ip.getAlwaysConsumeDefaultTokenBucket().getValue()).isFalse();

    HttpConnectionManager hcm = hcm(r, "virtualOutbound");
    assertThat(filterNames(hcm))
        .containsExactly(
            "envoy.filters.http.cors",
            "envoy.filters.http.fault",
            "envoy.filters.http.local_ratelimit",
            "envoy.filters.http.router");
    LocalRateLimit filter = unpack(hcm.getHttpFilters(2).getTypedConfig(), LocalRateLimit.class);
    assertThat(filter.getStatPrefix()).isEqualTo("http_local_rate_limiter");
    assertThat(filter.hasTokenBucket()).as("no bucket at the filter: routes have theirs").isFalse();
    assertThat(filter.getFilterEnabled().getDefaultValue())
        .isEqualTo(percent(100, DenominatorType.HUNDRED));
    assertThat(filter.getFilterEnforced().getDefaultValue())
        .isEqualTo(percent(100, DenominatorType.HUNDRED));
  }

  @Test
  void gatewaysListTheFiltersTheirRoutesUseAndProxylessClientsGetFaultsOnly() {
    String vs =
        """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: web
          namespace: shop
          annotations:
            bowline.dev/local-rate-limit: "{tokens: 10, fillInterval: 1s}"
        spec:
          hosts: [web.shop.svc.cluster.local]
          gateways: [mesh, ingress]
          http:
          - corsPolicy: {allowOrigins: [{exact: https://a.example}]}
            fault: {delay: {fixedDelay: 1s, percentage: {value: 100}}}
            route: [{destination: {host: web}}]
        """;
    String gw =
        """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: ingress, namespace: shop}
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: 8080, name: http, protocol: HTTP}
            hosts: ["*"]
        """;
    ConfigFixtures config = new ConfigFixtures().add(vs).add(gw);
    ProxyResources gateway =
        sidecar(config, Bookinfo.gateway("shop", Map.of("istio", "ingressgateway")));
    assertThat(filterNames(hcm(gateway, "0.0.0.0_8080")))
        .containsExactly(
            "envoy.filters.http.cors",
            "envoy.filters.http.fault",
            "envoy.filters.http.local_ratelimit",
            "envoy.filters.http.router");
    Route gatewayRoute = vhost(gateway, "http.8080", WEB + ":8080").getRoutes(0);
    assertThat(gatewayRoute.getTypedPerFilterConfigMap())
        .containsOnlyKeys(
            "envoy.filters.http.cors", "envoy.filters.http.fault", "envoy.filters.http.local_ratelimit");

    ProxyResources proxyless = sidecar(config, Bookinfo.proxyless("shop"));
    Route grpcRoute = vhost(proxyless, WEB + ":80", WEB + ":80").getRoutes(0);
    assertThat(grpcRoute.getTypedPerFilterConfigMap())
        .as("grpc-java has no CORS or local rate limit filter")
        .containsOnlyKeys("envoy.filters.http.fault");
    Listener api =
        proxyless.listeners().stream()
            .filter(l -> l.getName().equals(WEB + ":80"))
            .findFirst()
            .orElseThrow();
    assertThat(filterNames(ProxyAcceptance.managers(api).get(0)))
        .containsExactly("envoy.filters.http.fault", "envoy.filters.http.router");
  }
}
