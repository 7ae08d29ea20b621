package dev.bowline.proxy.filter.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.config.Problems;
import dev.bowline.proxy.filter.FilterYaml;
import dev.bowline.proxy.stats.MetricRegistry;
import io.envoyproxy.envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which LocalRateLimit fields are accepted, and how the rest is refused (with paths). */
class LocalRateLimitCompilerTest {

  private final MetricRegistry metrics = new MetricRegistry();

  private List<String> problems(String yaml, boolean perRoute) {
    Problems problems = new Problems();
    new LocalRateLimitCompiler(metrics, new RateLimiterStore().next(), System::nanoTime)
        .compile(FilterYaml.parse(yaml, LocalRateLimit.newBuilder()), perRoute, "lrl", problems);
    return problems.list();
  }

  @Test
  void everySupportedFieldIsAccepted() {
    assertThat(
            problems(
                """
                stat_prefix: http_local_rate_limiter
                status: {code: TooManyRequests}
                token_bucket: {max_tokens: 10, tokens_per_fill: 5, fill_interval: 0.05s}
                filter_enabled: {default_value: {numerator: 100, denominator: HUNDRED}}
                filter_enforced: {default_value: {numerator: 50, denominator: TEN_THOUSAND}}
                response_headers_to_add:
                - header: {key: x-limited-by, value: "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%"}
                  append_action: OVERWRITE_IF_EXISTS_OR_ADD
                descriptors:
                - entries: [{key: remote_address, value: ""}]
                  token_bucket: {max_tokens: 1, fill_interval: 1s}
                - entries: [{key: plan, value: free}, {key: user, value: ""}]
                  token_bucket: {max_tokens: 1, tokens_per_fill: 1, fill_interval: 1s}
                stage: 2
                always_consume_default_token_bucket: false
                rate_limited_as_resource_exhausted: true
                max_dynamic_descriptors: 100
                rate_limits:
                - actions: [{remote_address: {}}]
                """,
                true))
        .isEmpty();
    // the connection manager's filter may have no bucket (routes have theirs)
    assertThat(problems("stat_prefix: p", false)).isEmpty();
  }

  @Test
  void unsupportedFieldsAreRefusedByName() {
    assertThat(
            problems(
                """
                stat_prefix: p
                token_bucket: {max_tokens: 1, fill_interval: 1s}
                local_rate_limit_per_downstream_connection: true
                enable_x_ratelimit_headers: DRAFT_VERSION_03
                vh_rate_limits: INCLUDE
                request_headers_to_add_when_not_enforced: [{header: {key: a, value: b}}]
                local_cluster_rate_limit: {}
                filter_enabled: {runtime_key: k, default_value: {numerator: 1}}
                descriptors:
                - entries: [{key: a, value: b}]
                  token_bucket: {max_tokens: 1, fill_interval: 1s}
                rate_limits:
                - actions: [{header_value_match: {descriptor_value: v, headers: [{name: a}]}}]
                  disable_key: k
                """,
                true))
        .containsExactlyInAnyOrder(
            "lrl.local_rate_limit_per_downstream_connection: not supported by Bowline yet",
            "lrl.enable_x_ratelimit_headers: not supported by Bowline yet",
            "lrl.vh_rate_limits: not supported by Bowline yet",
            "lrl.request_headers_to_add_when_not_enforced: not supported by Bowline yet",
            "lrl.local_cluster_rate_limit: not supported by Bowline yet",
            "lrl.filter_enabled.runtime_key: not supported by Bowline yet",
            "lrl.rate_limits[0].actions[0].header_value_match: not supported by Bowline yet",
            "lrl.rate_limits[0].disable_key: not supported by Bowline yet");
  }

  @Test
  void badValuesAreReportedWithTheirPaths() {
    assertThat(problems("stat_prefix: p", true))
        .containsExactly("lrl.token_bucket: required in a route's local rate limit (as Envoy)");
    assertThat(
            problems(
                """
                token_bucket: {max_tokens: 0, tokens_per_fill: 0, fill_interval: 0.01s}
                stage: 11
                max_dynamic_descriptors: 0
                descriptors:
                - entries: []
                  token_bucket: {max_tokens: 1, fill_interval: 1s}
                - entries: [{key: "", value: x}]
                - entries: [{key: a, value: b}]
                  token_bucket: {max_tokens: 1}
                """,
                true))
        .containsExactlyInAnyOrder(
            "lrl.stat_prefix: required",
            "lrl.token_bucket.max_tokens: must be at least 1",
            "lrl.token_bucket.tokens_per_fill: must be at least 1",
            "lrl.token_bucket.fill_interval: must be at least 50ms (as Envoy), not 0.01s",
            "lrl.stage: must be from 0 to 10, not 11",
            "lrl.max_dynamic_descriptors: must be at least 1, not 0",
            "lrl.descriptors[0].entries: at least one entry is required",
            "lrl.descriptors[1].entries[0].key: must not be empty",
            "lrl.descriptors[1].token_bucket: required",
            "lrl.descriptors[2].token_bucket.fill_interval: required");
  }

  @Test
  void routeRateLimitActionsAreChecked() {
    Problems problems = new Problems();
    var action =
        FilterYaml.parse(
            """
            cluster: c
            rate_limits:
            - actions: []
            - actions: [{request_headers: {header_name: "", descriptor_key: ""}}, {}]
            - actions: [{destination_cluster: {}}]
              limit: {dynamic_metadata: {metadata_key: {key: k, path: [{key: a}]}}}
            """,
            io.envoyproxy.envoy.config.route.v3.RouteAction.newBuilder());
    List<RateLimitPolicy> policies =
        LocalRateLimitCompiler.policies(
            ((io.envoyproxy.envoy.config.route.v3.RouteAction) action).getRateLimitsList(),
            "route.rate_limits", true, problems);
    assertThat(policies).isEmpty();
    assertThat(problems.list())
        .containsExactlyInAnyOrder(
            "route.rate_limits[0].actions: at least one action is required",
            "route.rate_limits[1].actions[0].request_headers.header_name: must not be empty",
            "route.rate_limits[1].actions[0].request_headers.descriptor_key: must not be empty",
            "route.rate_limits[1].actions[1]: one action (request_headers, remote_address,"
                + " generic_key) is required",
            "route.rate_limits[2].actions[0].destination_cluster: not supported by Bowline yet",
            "route.rate_limits[2].limit: not supported by Bowline yet");
  }
}
