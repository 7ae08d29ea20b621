package dev.bowline.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ForwardActionTest {

  private static ForwardAction forward(String routeYaml, String path) {
    RouteEntry entry = RouteYaml.routes(routeYaml).route(TestRequest.of(path));
    assertThat(entry).as("route for %s", path).isNotNull();
    return (ForwardAction) entry.action();
  }

  private static ForwardAction forward(String routeYaml) {
    return forward(routeYaml, "/");
  }

  @Test
  void aSingleClusterIsAlwaysPicked() {
    ForwardAction action = forward("- {match: {prefix: /}, route: {cluster: backend}}");

    assertThat(action.clusters()).extracting(ClusterTarget::name).containsExactly("backend");
    assertThat(action.pickCluster(12345).name()).isEqualTo("backend");
    assertThat(action.pickCluster().name()).isEqualTo("backend");
  }

  @Test
  void weightedClustersArePickedInProportionToTheirWeights() {
    ForwardAction action =
        forward(
            """
            - match: {prefix: /}
              route:
                weighted_clusters:
                  clusters:
                  - {name: v1, weight: 70}
                  - {name: none, weight: 0}
                  - {name: v2, weight: 20}
                  - {name: v3, weight: 10}
            """);

    assertThat(action.totalWeight()).isEqualTo(100);
    Map<String, Integer> counts = new HashMap<>();
    for (int random = 0; random < 1000; random++) {
      counts.merge(action.pickCluster(random).name(), 1, Integer::sum);
    }
    assertThat(counts).containsOnly(Map.entry("v1", 700), Map.entry("v2", 200), Map.entry("v3", 100));
  }

  @Test
  void weightedClustersFollowEnvoysLayoutOfShares() {
    ForwardAction action =
        forward(
            """
            - match: {prefix: /}
              route:
                weighted_clusters:
                  clusters: [{name: a, weight: 1}, {name: b, weight: 3}]
            """);

    // random % 4: 0 -> a; 1, 2, 3 -> b
    assertThat(action.pickCluster(0).name()).isEqualTo("a");
    assertThat(action.pickCluster(1).name()).isEqualTo("b");
    assertThat(action.pickCluster(3).name()).isEqualTo("b");
    assertThat(action.pickCluster(4).name()).isEqualTo("a");
    // negative numbers are taken as unsigned: 2^64 - 1 = 3 mod 4
    assertThat(action.pickCluster(-1L).name()).isEqualTo("b");
    assertThat(action.pickCluster(Integer.MIN_VALUE).name()).isEqualTo("a");
  }

  @Test
  void weightsUseTheWholeUint32Range() {
    ForwardAction action =
        forward(
            """
            - match: {prefix: /}
              route:
                weighted_clusters:
                  clusters: [{name: a, weight: 3000000000}, {name: b, weight: 1000000000}]
            """);

    assertThat(action.clusters()).extracting(ClusterTarget::weight)
        .containsExactly(3_000_000_000L, 1_000_000_000L);
    assertThat(action.pickCluster(2_999_999_999L).name()).isEqualTo("a");
    assertThat(action.pickCluster(3_000_000_000L).name()).isEqualTo("b");
  }

  @Test
  void randomPicksFollowTheWeightsRoughly() {
    ForwardAction action =
        forward(
            """
            - match: {prefix: /}
              route:
                weighted_clusters:
                  clusters: [{name: a, weight: 90}, {name: b, weight: 10}]
            """);

    int a = 0;
    for (int i = 0; i < 20_000; i++) {
      if (action.pickCluster().name().equals("a")) {
        a++;
      }
    }
    assertThat(a).isBetween(17_400, 18_600);
  }

  @ParameterizedTest(name = "{0} on {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{prefix: /api/}                  | /api/v1/items?id=7 | /v1/items?id=7",
        "{prefix: /api}                   | /api              | /",
        "{prefix: /API/, case_sensitive: false} | /api/x?q     | /x?q",
        "{path: /old}                     | /old?a=b          | /?a=b",
        "{path_separated_prefix: /api}    | /api/x            | //x",
        "{safe_regex: {regex: '/v[0-9]+/.*'}} | /v2/x?y       | /?y",
      })
  void prefixRewriteReplacesTheMatchedPartAndKeepsTheQuery(
      String match, String path, String expected) {
    ForwardAction action =
        forward("- {match: " + match + ", route: {cluster: c, prefix_rewrite: /}}", path);

    assertThat(action.rewritesPath()).isTrue();
    assertThat(action.rewritePath(path)).isEqualTo(expected);
  }

  @Test
  void prefixRewriteToANewPrefix() {
    ForwardAction action =
        forward(
            "- {match: {prefix: /v1/}, route: {cluster: c, prefix_rewrite: /api/v2/}}", "/v1/");

    assertThat(action.rewritePath("/v1/users/1?x=1")).isEqualTo("/api/v2/users/1?x=1");
  }

  @Test
  void withoutRewriteThePathIsReturnedAsIs() {
    ForwardAction action = forward("- {match: {prefix: /}, route: {cluster: c}}");
    String path = "/a?b";

    assertThat(action.rewritesPath()).isFalse();
    assertThat(action.rewritePath(path)).isSameAs(path);
  }

  @ParameterizedTest(name = "{0} -> {1} on {2} -> {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        // Envoy's documented examples
        "'^/service/([^/]+)(/.*)$' | '\\2/instance/\\1' | /service/foo/v1/api?x=1 | /v1/api/instance/foo?x=1",
        "one                        | two              | /xxx/one/yyy/one/zzz    | /xxx/two/yyy/two/zzz",
        "'(?i)/xxx/'                | /yyy/            | /aaa/XxX/bbb            | /aaa/yyy/bbb",
        // no match: unchanged
        "nothing                    | x                | /a/b?nothing            | /a/b?nothing",
        // the whole match and a literal backslash
        "b+                         | '[\\0\\\\]'       | /abbbc                  | /a[bbb\\]c",
        // RE2's global replace: an empty match right after a match is skipped
        "'a*'                       | '-'              | /baaac                  | -/-b-c-",
      })
  void regexRewriteReplacesEveryMatchInThePathAndKeepsTheQuery(
      String pattern, String substitution, String path, String expected) {
    ForwardAction action =
        forward(
            "- match: {prefix: /}\n"
                + "  route:\n"
                + "    cluster: c\n"
                + "    regex_rewrite: {pattern: {regex: '"
                + pattern.replace("'", "''")
                + "'}, substitution: '"
                + substitution.replace("'", "''")
                + "'}",
            path);

    assertThat(action.rewritePath(path)).isEqualTo(expected);
  }

  @Test
  void timeoutsDefaultToEnvoysAndCanBeSet() {
    assertThat(forward("- {match: {prefix: /}, route: {cluster: c}}").timeout())
        .isEqualTo(Duration.ofSeconds(15));
    assertThat(forward("- {match: {prefix: /}, route: {cluster: c}}").idleTimeout()).isEmpty();

    ForwardAction action =
        forward("- {match: {prefix: /}, route: {cluster: c, timeout: 0s, idle_timeout: 2.5s}}");

    assertThat(action.timeout()).isEqualTo(Duration.ZERO);
    assertThat(action.idleTimeout()).contains(Duration.ofMillis(2500));
  }

  @Test
  void retryPolicyIsExposedAsAValue() {
    ForwardAction action =
        forward(
            """
            - match: {prefix: /}
              route:
                cluster: c
                retry_policy:
                  retry_on: 5xx, connect-failure,retriable-status-codes
                  num_retries: 3
                  per_try_timeout: 0.5s
                  retriable_status_codes: [409, 503]
                  retry_back_off: {base_interval: 0.1s}
            """);

    RetryPolicy policy = action.retryPolicy().orElseThrow();
    assertThat(policy.retryOn()).isEqualTo("5xx, connect-failure,retriable-status-codes");
    assertThat(policy.conditions())
        .containsExactlyInAnyOrder("5xx", "connect-failure", "retriable-status-codes");
    assertThat(policy.retriesOn("connect-failure")).isTrue();
    assertThat(policy.retriesOn("reset")).isFalse();
    assertThat(policy.numRetries()).isEqualTo(3);
    assertThat(policy.perTryTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(policy.retriableStatusCodes()).containsExactly(409, 503);
    assertThat(policy.isRetriableStatus(503)).isTrue();
    assertThat(policy.backOffBase()).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.backOffMax()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void thePreviousHostsRetryPredicateMakesRetriesAvoidTriedHosts() throws Exception {
    ForwardAction byName =
        forward(
            "- {match: {prefix: /}, route: {cluster: c, retry_policy: {retry_on: 5xx,"
                + " retry_host_predicate: [{name: envoy.retry_host_predicates.previous_hosts}]}}}");
    assertThat(byName.retryPolicy().orElseThrow().avoidsTriedHosts()).isTrue();

    // By its typed_config type, whatever the name (as Envoy looks extensions up).
    RouteConfiguration.Builder typed =
        RouteYaml.parse(
                "virtual_hosts: [{name: vh, domains: ['*'], routes: [{match: {prefix: /}, route:"
                    + " {cluster: c, retry_policy: {retry_on: 5xx,"
                    + " retry_host_predicate: [{name: any}]}}}]}]")
            .toBuilder();
    typed.getVirtualHostsBuilder(0).getRoutesBuilder(0).getRouteBuilder().getRetryPolicyBuilder()
        .getRetryHostPredicateBuilder(0)
        .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance()));
    ForwardAction byType =
        (ForwardAction)
            RouteTable.compile(typed.build(), RouteYaml.PATH).route(TestRequest.of("/")).action();
    assertThat(byType.retryPolicy().orElseThrow().avoidsTriedHosts()).isTrue();
    assertThat(
            RouteYaml.problems(
                "virtual_hosts: [{name: vh, domains: ['*'], routes: [{match: {prefix: /}, route:"
                    + " {cluster: c, retry_policy: {retry_on: 5xx, retry_host_predicate:"
                    + " [{name: envoy.retry_host_predicates.omit_host_metadata}]}}}]}]"))
        .containsExactly(
            "route_config.virtual_hosts[0].routes[0].route.retry_policy.retry_host_predicate[0].name: unsupported retry host"
                + " predicate \"envoy.retry_host_predicates.omit_host_metadata\" (only"
                + " envoy.retry_host_predicates.previous_hosts)");
  }

  @Test
  void retryPolicyDefaults() {
    ForwardAction action =
        forward("- {match: {prefix: /}, route: {cluster: c, retry_policy: {retry_on: reset}}}");

    RetryPolicy policy = action.retryPolicy().orElseThrow();
    assertThat(policy.numRetries()).isEqualTo(1);
    assertThat(policy.perTryTimeout()).isEqualTo(Duration.ZERO);
    assertThat(policy.backOffBase()).isEqualTo(Duration.ofMillis(25));
    assertThat(policy.backOffMax()).isEqualTo(Duration.ofMillis(250));
    assertThat(forward("- {match: {prefix: /}, route: {cluster: c}}").retryPolicy()).isEmpty();
    assertThat(policy.avoidsTriedHosts()).as("no retry_host_predicate").isFalse();
  }

  @Test
  void hostRewriteOfTheRouteWinsOverTheWeightedClusters() {
    ForwardAction clusterLevel =
        forward(
            """
            - match: {prefix: /}
              route:
                weighted_clusters:
                  clusters:
                  - {name: a, weight: 1, host_rewrite_literal: a.internal}
                  - {name: b, weight: 1}
            """);

    assertThat(clusterLevel.pickCluster(0).hostRewrite()).contains("a.internal");
    assertThat(clusterLevel.pickCluster(1).hostRewrite()).isEmpty();

    ForwardAction routeLevel =
        forward(
            """
            - match: {prefix: /}
              route:
                host_rewrite_literal: route.internal
                weighted_clusters:
                  clusters:
                  - {name: a, weight: 1, host_rewrite_literal: a.internal}
            """);

    assertThat(routeLevel.pickCluster(0).hostRewrite()).contains("route.internal");
    assertThat(forward("- {match: {prefix: /}, route: {cluster: c}}").pickCluster().hostRewrite())
        .isEmpty();
  }
}
