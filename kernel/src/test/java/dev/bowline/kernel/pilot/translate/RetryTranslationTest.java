package dev.bowline.kernel.pilot.translate;

import static dev.bowline.kernel.pilot.translate.ConfigFixtures.destinationRule;
import static dev.bowline.kernel.pilot.translate.ConfigFixtures.virtualService;
import static dev.bowline.kernel.pilot.translate.RouteFiltersTranslationTest.route;
import static dev.bowline.kernel.pilot.translate.RouteFiltersTranslationTest.shop;
import static dev.bowline.kernel.pilot.translate.VirtualServiceRoutesTest.API;
import static dev.bowline.kernel.pilot.translate.VirtualServiceRoutesTest.WEB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.route.ForwardAction;
import dev.bowline.proxy.route.RouteEntry;
import dev.bowline.proxy.route.RouteTable;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import org.junit.jupiter.api.Test;

/**
 * Istio's retry policies as Envoy {@code retry_policy}: every {@code retryOn} value and back-off,
 * and the {@code previous_hosts} predicate Istio leaves off routes to a consistent-hash destination.
 */
class RetryTranslationTest {

  @Test
  void everyIstioRetryConditionStatusCodesAndBackOffReachTheRoute() {
    ProxyResources r =
        shop(
            virtualService("shop", "api", """
                hosts: [api]
                http:
                - name: all
                  retries:
                    attempts: 4
                    perTryTimeout: 2s
                    backoff: 40ms
                    retryOn: >-
                      5xx,gateway-error,connect-failure,refused-stream,reset,retriable-4xx,
                      retriable-status-codes,cancelled,deadline-exceeded,internal,
                      resource-exhausted,unavailable,409
                  route: [{destination: {host: api}}]
                """));
    RetryPolicy p = route(r, API + ":80", "all").getRoute().getRetryPolicy();
    assertThat(p.getNumRetries().getValue()).isEqualTo(4);
    assertThat(p.getPerTryTimeout().getSeconds()).isEqualTo(2);
    assertThat(p.getRetryBackOff().getBaseInterval().getNanos()).isEqualTo(40_000_000);
    assertThat(p.getRetryOn().split(","))
        .containsExactly(
            "5xx", "gateway-error", "connect-failure", "refused-stream", "reset", "retriable-4xx",
            "retriable-status-codes", "cancelled", "deadline-exceeded", "internal",
            "resource-exhausted", "unavailable");
    assertThat(p.getRetriableStatusCodesList()).containsExactly(409);
    assertThat(p.getRetryHostPredicateList())
        .as("as Istio: retries prefer a host not tried yet")
        .containsExactly(VirtualServiceRoutes.PREVIOUS_HOSTS);
  }

  @Test
  void routesToOneConsistentHashDestinationHaveNoPreviousHostsPredicateAsInIstio()
      throws Exception {
    ProxyResources r =
        shop(
            destinationRule("shop", "api", """
                host: api
                trafficPolicy:
                  loadBalancer: {consistentHash: {httpHeaderName: x-user}}
                subsets: [{name: stable, labels: {track: stable}}, {name: canary, labels: {track: canary}}]
                """),
            destinationRule("shop", "web", """
                host: web
                trafficPolicy:
                  loadBalancer: {consistentHash: {useSourceIp: true}}
                """),
            virtualService("shop", "api", """
                hosts: [api]
                http:
                - name: hashed
                  match: [{uri: {prefix: /hashed}}]
                  retries: {attempts: 3, retryOn: 5xx}
                  route: [{destination: {host: api}}]
                - name: split
                  match: [{uri: {prefix: /split}}]
                  route:
                  - {destination: {host: api, subset: stable}, weight: 90}
                  - {destination: {host: api, subset: canary}, weight: 10}
                - name: default-retries
                  route: [{destination: {host: api}}]
                """));
    String vh = API + ":80";

    Route hashed = route(r, vh, "hashed");
    assertThat(hashed.getRoute().getHashPolicyCount()).isEqualTo(1);
    assertThat(hashed.getRoute().getRetryPolicy().getNumRetries().getValue()).isEqualTo(3);
    assertThat(hashed.getRoute().getRetryPolicy().getRetryHostPredicateList())
        .as("a retry keeps the request on its hashed host")
        .isEmpty();
    assertThat(route(r, vh, "default-retries").getRoute().getRetryPolicy())
        .as("Istio's default policy without previous_hosts")
        .isEqualTo(
            VirtualServiceRoutes.DEFAULT_RETRY_POLICY.toBuilder().clearRetryHostPredicate().build());
    assertThat(route(r, vh, "split").getRoute().getRetryPolicy().getRetryHostPredicateList())
        .as("Istio drops it only for a single destination")
        .containsExactly(VirtualServiceRoutes.PREVIOUS_HOSTS);
    Route webDefault =
        RouteFiltersTranslationTest.vhost(r, "outbound", WEB + ":80").getRoutesList().stream()
            .filter(x -> x.getName().equals("default")).findFirst().orElseThrow();
    assertThat(webDefault.getRoute().getHashPolicyCount()).isEqualTo(1);
    assertThat(webDefault.getRoute().getRetryPolicy())
        .as("Istio's default route of a service without VirtualService keeps it")
        .isEqualTo(VirtualServiceRoutes.DEFAULT_RETRY_POLICY);

    // The proxy accepts both and follows the predicate.
    RouteConfiguration outbound =
        r.routes().stream().filter(c -> c.getName().equals("outbound")).findFirst().orElseThrow();
    RouteTable table = RouteTable.compile(outbound, "outbound");
    assertThat(retryPolicy(table, "/hashed").avoidsTriedHosts()).isFalse();
    assertThat(retryPolicy(table, "/split").avoidsTriedHosts()).isTrue();
  }

  private static dev.bowline.proxy.route.RetryPolicy retryPolicy(RouteTable table, String path) {
    RouteEntry entry = table.route(TestRequest.get(API + ":80", path));
    return ((ForwardAction) entry.action()).retryPolicy().orElseThrow();
  }
}
