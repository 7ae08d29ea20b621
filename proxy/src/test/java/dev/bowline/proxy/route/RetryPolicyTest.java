package dev.bowline.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.route.RetryPolicy.UpstreamFailure;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which outcomes of an upstream try each {@code retry_on} condition retries, as Envoy decides. */
class RetryPolicyTest {

  private static RetryPolicy on(String retryOn, Integer... codes) {
    Set<String> conditions = Set.of(retryOn.split(","));
    return new RetryPolicy(
        retryOn, conditions, 1, Duration.ZERO, List.of(codes), Duration.ofMillis(25), Duration.ofMillis(250));
  }

  @Test
  void fiveXxRetriesEveryServerErrorAndEveryFailure() {
    RetryPolicy p = on("5xx");
    assertThat(p.retriesResponse(500, -1, false)).isTrue();
    assertThat(p.retriesResponse(503, -1, false)).isTrue();
    assertThat(p.retriesResponse(599, -1, false)).isTrue();
    assertThat(p.retriesResponse(404, -1, false)).isFalse();
    assertThat(p.retriesResponse(200, -1, false)).isFalse();
    for (UpstreamFailure f : UpstreamFailure.values()) {
      assertThat(p.retriesFailure(f)).as(f.name()).isTrue();
    }
  }

  @Test
  void gatewayErrorRetries502To504AndEveryFailure() {
    RetryPolicy p = on("gateway-error");
    assertThat(p.retriesResponse(502, -1, false)).isTrue();
    assertThat(p.retriesResponse(503, -1, false)).isTrue();
    assertThat(p.retriesResponse(504, -1, false)).isTrue();
    assertThat(p.retriesResponse(500, -1, false)).isFalse();
    assertThat(p.retriesFailure(UpstreamFailure.PER_TRY_TIMEOUT)).isTrue();
    assertThat(p.retriesFailure(UpstreamFailure.RESET)).isTrue();
  }

  @Test
  void resetRetriesFailuresButNoResponse() {
    RetryPolicy p = on("reset");
    for (UpstreamFailure f : UpstreamFailure.values()) {
      assertThat(p.retriesFailure(f)).as(f.name()).isTrue();
    }
    assertThat(p.retriesResponse(503, -1, false)).isFalse();
  }

  @Test
  void connectFailureAndRefusedStreamRetryOnlyTheirOwnFailure() {
    RetryPolicy connect = on("connect-failure");
    assertThat(connect.retriesFailure(UpstreamFailure.CONNECT_FAILURE)).isTrue();
    assertThat(connect.retriesFailure(UpstreamFailure.RESET)).isFalse();
    assertThat(connect.retriesFailure(UpstreamFailure.REFUSED_STREAM)).isFalse();
    assertThat(connect.retriesFailure(UpstreamFailure.PER_TRY_TIMEOUT)).isFalse();
    assertThat(connect.retriesResponse(503, -1, false)).isFalse();

    RetryPolicy refused = on("refused-stream");
    assertThat(refused.retriesFailure(UpstreamFailure.REFUSED_STREAM)).isTrue();
    assertThat(refused.retriesFailure(UpstreamFailure.CONNECT_FAILURE)).isFalse();
    assertThat(refused.retriesFailure(UpstreamFailure.RESET)).isFalse();

    assertThat(on("reset-before-request").retriesFailure(UpstreamFailure.CONNECT_FAILURE)).isTrue();
    assertThat(on("reset-before-request").retriesFailure(UpstreamFailure.RESET)).isFalse();
  }

  @Test
  void retriable4xxIsTheConflictStatusOnly() {
    RetryPolicy p = on("retriable-4xx");
    assertThat(p.retriesResponse(409, -1, false)).isTrue();
    assertThat(p.retriesResponse(429, -1, false)).isFalse();
    assertThat(p.retriesFailure(UpstreamFailure.RESET)).isFalse();
  }

  @Test
  void retriableStatusCodesNeedTheConditionAndTheList() {
    assertThat(on("retriable-status-codes", 503, 418).retriesResponse(418, -1, false)).isTrue();
    assertThat(on("retriable-status-codes", 503).retriesResponse(502, -1, false)).isFalse();
    assertThat(on("connect-failure", 503).retriesResponse(503, -1, false))
        .as("codes without the condition")
        .isFalse();
  }

  @Test
  void grpcConditionsReadTheStatusOfTheResponseHead() {
    assertThat(on("cancelled").retriesResponse(200, 1, false)).isTrue();
    assertThat(on("deadline-exceeded").retriesResponse(200, 4, false)).isTrue();
    assertThat(on("resource-exhausted").retriesResponse(200, 8, false)).isTrue();
    assertThat(on("internal").retriesResponse(200, 13, false)).isTrue();
    assertThat(on("unavailable").retriesResponse(200, 14, false)).isTrue();
    assertThat(on("unavailable").retriesResponse(200, 13, false)).isFalse();
    assertThat(on("unavailable").retriesResponse(200, -1, false)).isFalse();
    assertThat(on("unavailable").retriesFailure(UpstreamFailure.RESET)).isFalse();
  }

  @Test
  void aRateLimitedResponseIsRetriedOnlyUnderEnvoyRatelimited() {
    assertThat(on("5xx").retriesResponse(503, -1, true)).isFalse();
    assertThat(on("envoy-ratelimited").retriesResponse(429, -1, true)).isTrue();
    assertThat(on("envoy-ratelimited").retriesResponse(429, -1, false)).isFalse();
  }
}
