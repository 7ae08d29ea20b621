package dev.bowline.proxy.filter.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.config.Problems;
import dev.bowline.proxy.filter.FilterYaml;
import dev.bowline.proxy.filter.TestFilterRequest;
import dev.bowline.proxy.filter.ratelimit.LocalRateLimiter.Outcome;
import dev.bowline.proxy.stats.MetricRegistry;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** How a local rate limit decides, as Envoy's does; on a clock the test moves. */
class LocalRateLimiterTest {

  private final AtomicLong now = new AtomicLong(5_000_000_000L);
  private final MetricRegistry metrics = new MetricRegistry();

  private LocalRateLimiter limiter(String yaml) {
    Problems problems = new Problems();
    LocalRateLimiter l =
        new LocalRateLimitCompiler(metrics, new RateLimiterStore().next(), now::get)
            .compile(FilterYaml.parse(yaml, LocalRateLimit.newBuilder()), true, "lrl", problems);
    assertThat(problems.list()).isEmpty();
    return l;
  }

  static List<RateLimitPolicy> rateLimits(String yaml) {
    Problems problems = new Problems();
    RouteAction action = FilterYaml.parse("cluster: c\nrate_limits:\n" + yaml, RouteAction.newBuilder());
    List<RateLimitPolicy> policies =
        LocalRateLimitCompiler.policies(action.getRateLimitsList(), "rate_limits", true, problems);
    assertThat(problems.list()).isEmpty();
    return policies;
  }

  private static final String ENABLED =
      """
      stat_prefix: http_local_rate_limiter
      filter_enabled: {default_value: {numerator: 100}}
      filter_enforced: {default_value: {numerator: 100}}
      """;

  private long counter(String name) {
    String line =
        metrics.renderPrometheus().lines()
            .filter(l -> l.startsWith(name + "{"))
            .findFirst()
            .orElse(name + " 0");
    return Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
  }

  @Test
  void theRoutesBucketLimitsEveryRequestAndRefills() {
    LocalRateLimiter l =
        limiter(ENABLED + "token_bucket: {max_tokens: 2, tokens_per_fill: 2, fill_interval: 1s}");
    TestFilterRequest r = TestFilterRequest.get();
    assertThat(l.decide(r, List.of())).isEqualTo(Outcome.PASS);
    assertThat(l.decide(r, List.of())).isEqualTo(Outcome.PASS);
    assertThat(l.decide(r, List.of())).isEqualTo(Outcome.LIMITED);
    now.addAndGet(Duration.ofMillis(500).toNanos());
    assertThat(l.decide(r, List.of())).isEqualTo(Outcome.PASS);
    assertThat(l.status()).isEqualTo(429);
    assertThat(counter("envoy_http_local_rate_limit_enabled")).isEqualTo(4);
    assertThat(counter("envoy_http_local_rate_limit_ok")).isEqualTo(3);
    assertThat(counter("envoy_http_local_rate_limit_rate_limited")).isEqualTo(1);
    assertThat(counter("envoy_http_local_rate_limit_enforced")).isEqualTo(1);
  }

  @Test
  void enabledAndEnforcedDefaultToNoRequestAsInEnvoy() {
    LocalRateLimiter off =
        limiter("stat_prefix: p\ntoken_bucket: {max_tokens: 1, fill_interval: 60s}");
    for (int i = 0; i < 5; i++) {
      assertThat(off.decide(TestFilterRequest.get(), List.of())).isEqualTo(Outcome.PASS);
    }
    LocalRateLimiter notEnforced =
        limiter(
            """
            stat_prefix: p
            filter_enabled: {default_value: {numerator: 100}}
            token_bucket: {max_tokens: 1, fill_interval: 60s}
            """);
    assertThat(notEnforced.decide(TestFilterRequest.get(), List.of())).isEqualTo(Outcome.PASS);
    assertThat(notEnforced.decide(TestFilterRequest.get(), List.of()))
        .isEqualTo(Outcome.LIMITED_NOT_ENFORCED);
  }

  private static final String PER_USER =
      ENABLED
          + """
          token_bucket: {max_tokens: 100, fill_interval: 60s}
          descriptors:
          - entries: [{key: x-user, value: ""}]
            token_bucket: {max_tokens: 1, fill_interval: 60s}
          """;

  @Test
  void aWildcardDescriptorGivesEachValueItsOwnBucket() {
    LocalRateLimiter l = limiter(PER_USER);
    List<RateLimitPolicy> byUser =
        rateLimits("- actions: [{request_headers: {header_name: x-user, descriptor_key: x-user}}]");
    TestFilterRequest alice = TestFilterRequest.get().header("x-user", "alice");
    TestFilterRequest bob = TestFilterRequest.get().header("x-user", "bob");
    assertThat(l.decide(alice, byUser)).isEqualTo(Outcome.PASS);
    assertThat(l.decide(alice, byUser)).isEqualTo(Outcome.LIMITED);
    assertThat(l.decide(bob, byUser)).isEqualTo(Outcome.PASS);
    assertThat(l.decide(bob, byUser)).isEqualTo(Outcome.LIMITED);
    // no header: no descriptor, only the route's bucket
    assertThat(l.decide(TestFilterRequest.get(), byUser)).isEqualTo(Outcome.PASS);
  }

  @Test
  void theDefaultBucketIsAlsoConsumedUnlessToldOtherwise() {
    String shared =
        ENABLED
            + """
            token_bucket: {max_tokens: 2, fill_interval: 60s}
            descriptors:
            - entries: [{key: x-user, value: ""}]
              token_bucket: {max_tokens: 5, fill_interval: 60s}
            """;
    List<RateLimitPolicy> byUser =
        rateLimits("- actions: [{request_headers: {header_name: x-user, descriptor_key: x-user}}]");
    LocalRateLimiter always = limiter(shared);
    assertThat(always.decide(TestFilterRequest.get().header("x-user", "a"), byUser)).isEqualTo(Outcome.PASS);
    assertThat(always.decide(TestFilterRequest.get().header("x-user", "b"), byUser)).isEqualTo(Outcome.PASS);
    // the shared bucket (2 tokens) is empty now, whoever asks
    assertThat(always.decide(TestFilterRequest.get().header("x-user", "c"), byUser))
        .isEqualTo(Outcome.LIMITED);

    LocalRateLimiter perUserOnly =
        limiter(shared + "always_consume_default_token_bucket: false\n");
    for (String user : List.of("a", "b", "c", "d")) {
      assertThat(perUserOnly.decide(TestFilterRequest.get().header("x-user", user), byUser))
          .isEqualTo(Outcome.PASS);
    }
  }

  @Test
  void theClientAddressActionKeysByTheTrustedAddress() {
    LocalRateLimiter l =
        limiter(
            ENABLED
                + """
                always_consume_default_token_bucket: false
                token_bucket: {max_tokens: 100, fill_interval: 60s}
                descriptors:
                - entries: [{key: remote_address, value: ""}]
                  token_bucket: {max_tokens: 1, fill_interval: 60s}
                """);
    List<RateLimitPolicy> byAddress = rateLimits("- actions: [{remote_address: {}}]");
    assertThat(l.decide(TestFilterRequest.get().from("10.0.0.1"), byAddress)).isEqualTo(Outcome.PASS);
    assertThat(l.decide(TestFilterRequest.get().from("10.0.0.1"), byAddress)).isEqualTo(Outcome.LIMITED);
    assertThat(l.decide(TestFilterRequest.get().from("10.0.0.2"), byAddress)).isEqualTo(Outcome.PASS);
  }

  @Test
  void aFixedDescriptorValueMatchesOnlyThatValueAndStagesMustAgree() {
    LocalRateLimiter l =
        limiter(
            ENABLED
                + """
                token_bucket: {max_tokens: 100, fill_interval: 60s}
                descriptors:
                - entries: [{key: plan, value: free}]
                  token_bucket: {max_tokens: 1, fill_interval: 60s}
                """);
    List<RateLimitPolicy> byPlan =
        rateLimits("- actions: [{request_headers: {header_name: x-plan, descriptor_key: plan}}]");
    assertThat(l.decide(TestFilterRequest.get().header("x-plan", "free"), byPlan)).isEqualTo(Outcome.PASS);
    assertThat(l.decide(TestFilterRequest.get().header("x-plan", "free"), byPlan)).isEqualTo(Outcome.LIMITED);
    assertThat(l.decide(TestFilterRequest.get().header("x-plan", "gold"), byPlan)).isEqualTo(Outcome.PASS);
    assertThat(l.decide(TestFilterRequest.get().header("x-plan", "gold"), byPlan)).isEqualTo(Outcome.PASS);

    List<RateLimitPolicy> otherStage =
        rateLimits(
            "- stage: 1\n  actions: [{request_headers: {header_name: x-plan, descriptor_key: plan}}]");
    // a policy of another stage makes no descriptor for this filter (stage 0)
    assertThat(l.decide(TestFilterRequest.get().header("x-plan", "free"), otherStage))
        .isEqualTo(Outcome.PASS);
  }

  @Test
  void actionsComposeAndAMissingHeaderEndsTheDescriptorUnlessSkipped() {
    List<RateLimitPolicy> composed =
        rateLimits(
            """
            - actions:
              - generic_key: {descriptor_value: api}
              - request_headers: {header_name: x-user, descriptor_key: user, skip_if_absent: true}
              - remote_address: {}
            """);
    RateLimitPolicy p = composed.get(0);
    assertThat(p.descriptor(TestFilterRequest.get().header("x-user", "u").from("1.2.3.4")))
        .containsExactly(
            new DescriptorEntry("generic_key", "api"),
            new DescriptorEntry("user", "u"),
            new DescriptorEntry("remote_address", "1.2.3.4"));
    assertThat(p.descriptor(TestFilterRequest.get().from("1.2.3.4")))
        .containsExactly(
            new DescriptorEntry("generic_key", "api"), new DescriptorEntry("remote_address", "1.2.3.4"));
    RateLimitPolicy strict =
        rateLimits("- actions: [{request_headers: {header_name: X-User, descriptor_key: user}}]").get(0);
    assertThat(strict.descriptor(TestFilterRequest.get())).isNull();
    assertThat(strict.descriptor(TestFilterRequest.get().header("x-user", "v")))
        .containsExactly(new DescriptorEntry("user", "v"));
  }

  @Test
  void aStatusBelow400Means429AndGrpcGetsUnavailableOrResourceExhausted() {
    assertThat(limiter(ENABLED + "token_bucket: {max_tokens: 1, fill_interval: 1s}\nstatus: {code: OK}").status())
        .isEqualTo(429);
    LocalRateLimiter custom =
        limiter(ENABLED + "token_bucket: {max_tokens: 1, fill_interval: 1s}\nstatus: {code: ServiceUnavailable}");
    assertThat(custom.status()).isEqualTo(503);
    assertThat(custom.grpcStatus()).isEqualTo(14);
    assertThat(
            limiter(ENABLED + "token_bucket: {max_tokens: 1, fill_interval: 1s}\n"
                    + "rate_limited_as_resource_exhausted: true")
                .grpcStatus())
        .isEqualTo(8);
  }
}
