package dev.bowline.kernel.pilot.translate;

import static dev.bowline.kernel.pilot.translate.RouteFiltersTranslationTest.route;
import static dev.bowline.kernel.pilot.translate.RouteFiltersTranslationTest.shop;
import static dev.bowline.kernel.pilot.translate.VirtualServiceRoutesTest.API;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import org.junit.jupiter.api.Test;

/** Istio's retry policies as Envoy {@code retry_policy}: every {@code retryOn} value and back-off. */
class RetryTranslationTest {

  @Test
  void everyIstioRetryConditionStatusCodesAndBackOffReachTheRoute() {
    ProxyResources r =
        shop(
            new ConfigFixtures()
                .add(
                    """
                    apiVersion: networking.istio.io/v1
                    kind: VirtualService
                    metadata: {name: api, namespace: shop}
                    spec:
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
  }
}
