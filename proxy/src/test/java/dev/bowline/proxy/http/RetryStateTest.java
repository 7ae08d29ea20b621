package dev.bowline.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.config.ClusterConfig;
import dev.bowline.proxy.route.RetryPolicy;
import dev.bowline.proxy.route.RetryPolicy.UpstreamFailure;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.upstream.Cluster;
import dev.bowline.proxy.upstream.ClusterHost;
import dev.bowline.proxy.upstream.ClusterManager;
import dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retry decisions, the max_retries breaker, the counters, the back-off and host avoidance. */
class RetryStateTest {

  private final MetricRegistry metrics = new MetricRegistry();
  private final ClusterManager clusters =
      new ClusterManager(BuiltinLoadBalancers.newRegistry(), f -> null, metrics);

  @AfterEach
  void close() {
    clusters.close();
  }

  private Cluster cluster(int maxRetries, int... ports) throws Exception {
    ClusterConfig base = RetryProxy.cluster("c", ports);
    clusters.apply(
        List.of(
            RetryProxy.cluster(
                "c",
                base.lbPolicy(),
                base.protocol(),
                new ClusterConfig.CircuitBreakerLimits(1024, 1024, 1024, maxRetries),
                ports)));
    return clusters.get("c");
  }

  private static RetryPolicy policy(String retryOn, int numRetries, Duration base, Duration max) {
    return new RetryPolicy(retryOn, Set.of(retryOn.split(",")), numRetries, Duration.ZERO, List.of(), base, max);
  }

  private static RetryPolicy policy(String retryOn, int numRetries) {
    return policy(retryOn, numRetries, Duration.ofMillis(25), Duration.ofMillis(250));
  }

  private long counter(String name) {
    String prefix = "envoy_cluster_" + name + "{envoy_cluster_name=\"c\"} ";
    return metrics.renderPrometheus().lines()
        .filter(l -> l.startsWith(prefix))
        .mapToLong(l -> Long.parseLong(l.substring(prefix.length())))
        .findFirst()
        .orElse(0);
  }

  private static HttpHeaders status503() {
    return new DefaultHttpHeaders();
  }

  @Test
  void retriesUntilNumRetriesIsUsedUpThenSaysLimitExceeded() throws Exception {
    Cluster c = cluster(3, 1000);
    RetryState state = new RetryState(policy("5xx", 2), c);

    assertThat(state.onResponse(503, status503())).isEqualTo(RetryState.Decision.RETRY);
    assertThat(c.activeRetries()).isEqualTo(1);
    assertThat(state.onResponse(503, status503())).isEqualTo(RetryState.Decision.RETRY);
    assertThat(c.activeRetries()).as("one retry in flight per request").isEqualTo(1);
    assertThat(state.onResponse(503, status503())).isEqualTo(RetryState.Decision.LIMIT_EXCEEDED);

    assertThat(c.activeRetries()).isZero();
    assertThat(counter("upstream_rq_retry")).isEqualTo(2);
    assertThat(counter("upstream_rq_retry_limit_exceeded")).isEqualTo(1);
    assertThat(counter("upstream_rq_retry_success")).isZero();
  }

  @Test
  void withNoRetriesARetriableOutcomeIsAtTheLimitAtOnce() throws Exception {
    Cluster c = cluster(3, 1000);
    RetryState state = new RetryState(policy("5xx", 0), c);

    assertThat(state.mayRetry()).isFalse();
    assertThat(state.onFailure(UpstreamFailure.CONNECT_FAILURE)).isEqualTo(RetryState.Decision.LIMIT_EXCEEDED);
    assertThat(counter("upstream_rq_retry_limit_exceeded")).isEqualTo(1);
    assertThat(c.activeRetries()).isZero();
  }

  @Test
  void aRetryWhoseOutcomeIsNotRetriableCountsAsASuccessAndFreesTheBreaker() throws Exception {
    Cluster c = cluster(3, 1000);
    RetryState state = new RetryState(policy("connect-failure", 1), c);

    assertThat(state.onFailure(UpstreamFailure.CONNECT_FAILURE)).isEqualTo(RetryState.Decision.RETRY);
    assertThat(state.onResponse(200, new DefaultHttpHeaders())).isEqualTo(RetryState.Decision.NO_RETRY);

    assertThat(counter("upstream_rq_retry_success")).isEqualTo(1);
    assertThat(c.activeRetries()).isZero();
  }

  @Test
  void aFullBreakerRefusesTheRetryAndCountsAnOverflow() throws Exception {
    Cluster c = cluster(1, 1000);
    RetryState first = new RetryState(policy("reset", 3), c);
    RetryState second = new RetryState(policy("reset", 3), c);

    assertThat(first.onFailure(UpstreamFailure.RESET)).isEqualTo(RetryState.Decision.RETRY);
    assertThat(second.onFailure(UpstreamFailure.RESET)).isEqualTo(RetryState.Decision.OVERFLOW);
    assertThat(counter("upstream_rq_retry_overflow")).isEqualTo(1);

    first.close();
    assertThat(c.activeRetries()).as("the request ended: its retry leaves the breaker").isZero();
    assertThat(second.onFailure(UpstreamFailure.RESET)).isEqualTo(RetryState.Decision.RETRY);
    second.close();
    second.close();
    assertThat(c.activeRetries()).isZero();
  }

  @Test
  void anOutcomeThePolicyDoesNotNameIsNotRetriedAndCountsNothing() throws Exception {
    Cluster c = cluster(3, 1000);
    RetryState state = new RetryState(policy("connect-failure", 2), c);

    assertThat(state.onFailure(UpstreamFailure.RESET)).isEqualTo(RetryState.Decision.NO_RETRY);
    assertThat(state.onResponse(503, status503())).isEqualTo(RetryState.Decision.NO_RETRY);
    assertThat(state.onNotRetriable()).isEqualTo(RetryState.Decision.NO_RETRY);
    assertThat(counter("upstream_rq_retry")).isZero();
    assertThat(counter("upstream_rq_retry_limit_exceeded")).isZero();
  }

  @Test
  void readsTheGrpcStatusOfAResponseHead() throws Exception {
    Cluster c = cluster(3, 1000);
    RetryState state = new RetryState(policy("unavailable", 1), c);
    HttpHeaders unavailable = new DefaultHttpHeaders().set("grpc-status", "14");

    assertThat(state.onResponse(200, unavailable)).isEqualTo(RetryState.Decision.RETRY);
    assertThat(RetryState.grpcStatus(new DefaultHttpHeaders().set("grpc-status", "x4"))).isEqualTo(-1);
    assertThat(RetryState.grpcStatus(new DefaultHttpHeaders())).isEqualTo(-1);
    assertThat(RetryState.grpcStatus(new DefaultHttpHeaders().set("grpc-status", "0"))).isZero();
  }

  @Test
  void theBackOffIsFullyJitteredBelowAnIntervalThatDoublesUpToTheMaximum() throws Exception {
    Cluster c = cluster(3, 1000);
    long[] bounds = {25_000, 50_000, 100_000, 200_000, 250_000, 250_000};
    long[] largest = new long[bounds.length];
    for (int run = 0; run < 400; run++) {
      RetryState state = new RetryState(policy("5xx", 6), c);
      for (int i = 0; i < bounds.length; i++) {
        long wait = state.nextBackOffMicros();
        assertThat(wait).isBetween(0L, bounds[i] - 1);
        largest[i] = Math.max(largest[i], wait);
      }
    }
    for (int i = 0; i < bounds.length; i++) {
      assertThat(largest[i]).as("try %d reaches the upper half of its interval", i).isGreaterThan(bounds[i] / 2);
    }
  }

  @Test
  void hostsAlreadyTriedAreExcludedFromLaterPicks() throws Exception {
    Cluster c = cluster(3, 1001, 1002, 1003);
    RetryState state = new RetryState(avoidingTriedHosts(policy("5xx", 3)), c);
    ClusterHost first = c.pick(state);
    state.tried(first);
    ClusterHost second = c.pick(state);
    state.tried(second);
    ClusterHost third = c.pick(state);

    assertThat(List.of(first, second, third)).doesNotHaveDuplicates();
    assertThat(state.isExcluded(first)).isTrue();
    state.tried(third);
    assertThat(c.pick(state)).as("every host tried: the picker still answers").isNotNull();
  }

  @Test
  void withoutThePreviousHostsPredicateNoHostIsExcluded() throws Exception {
    Cluster c = cluster(3, 1001, 1002, 1003);
    RetryState state = new RetryState(policy("5xx", 3), c);
    ClusterHost first = c.pick(state);
    state.tried(first);

    assertThat(state.isExcluded(first)).as("as in Envoy without retry_host_predicate").isFalse();
  }

  private static RetryPolicy avoidingTriedHosts(RetryPolicy p) {
    return new RetryPolicy(p.retryOn(), p.conditions(), p.numRetries(), p.perTryTimeout(),
        p.retriableStatusCodes(), p.backOffBase(), p.backOffMax(), true);
  }
}
