package dev.bowline.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RouteConfigErrorsTest {

  /** The problems of a configuration with one catch-all virtual host and these routes. */
  private static List<String> routeProblems(String routesYaml) {
    return RouteYaml.problems(
        "virtual_hosts:\n- name: vh\n  domains: ['*']\n  routes:\n" + routesYaml.indent(2));
  }

  @Test
  void invalidRegexIsReportedWithItsPath() {
    List<String> problems =
        RouteYaml.problems(
            """
            virtual_hosts:
            - name: a
              domains: [a.com]
              routes: [{match: {prefix: /}, route: {cluster: a}}]
            - name: b
              domains: [b.com]
              routes:
              - match: {safe_regex: {regex: '/users/(['}}
                route: {cluster: b}
            """);

    assertThat(problems).hasSize(1);
    assertThat(problems.get(0))
        .startsWith("route_config.virtual_hosts[1].routes[0].match.safe_regex.regex: invalid RE2: ");
  }

  @Test
  void regexesInHeaderQueryAndRewriteAreCheckedToo() {
    List<String> problems =
        routeProblems(
            """
            - match:
                prefix: /
                headers: [{name: x, string_match: {safe_regex: {regex: 'a{2,1}'}}}]
                query_parameters: [{name: q, string_match: {safe_regex: {regex: '(?<'}}}]
              route:
                cluster: c
                regex_rewrite: {pattern: {regex: '\\8'}, substitution: x}
            """);

    assertThat(problems)
        .hasSize(3)
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        "route_config.virtual_hosts[0].routes[0].match.headers[0].string_match"
                            + ".safe_regex.regex: invalid RE2: "))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        "route_config.virtual_hosts[0].routes[0].match.query_parameters[0]"
                            + ".string_match.safe_regex.regex: invalid RE2: "))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        "route_config.virtual_hosts[0].routes[0].route.regex_rewrite.pattern.regex:"
                            + " invalid RE2: "));
  }

  @Test
  void duplicateDomainsAcrossVirtualHosts() {
    List<String> problems =
        RouteYaml.problems(
            """
            virtual_hosts:
            - name: a
              domains: [foo.com, '*']
              routes: [{match: {prefix: /}, route: {cluster: a}}]
            - name: b
              domains: [bar.com, FOO.com, '*']
              routes: [{match: {prefix: /}, route: {cluster: b}}]
            """);

    assertThat(problems)
        .containsExactly(
            "route_config.virtual_hosts[1].domains[1]: duplicate domain \"FOO.com\", already at"
                + " route_config.virtual_hosts[0].domains[0]",
            "route_config.virtual_hosts[1].domains[2]: duplicate domain \"*\", already at"
                + " route_config.virtual_hosts[0].domains[1]");
  }

  @Test
  void malformedWildcardDomain() {
    List<String> problems =
        RouteYaml.problems(
            """
            virtual_hosts:
            - name: a
              domains: ['foo.*.com', '']
              routes: [{match: {prefix: /}, route: {cluster: a}}]
            """);

    assertThat(problems)
        .containsExactly(
            "route_config.virtual_hosts[0].domains[0]: invalid domain \"foo.*.com\": a wildcard"
                + " '*' may only be the whole domain, or its first or last character",
            "route_config.virtual_hosts[0].domains[1]: must not be empty");
  }

  @Test
  void unsupportedFieldsAreReportedAtEveryLevel() {
    List<String> problems =
        RouteYaml.problems(
            """
            validate_clusters: true
            virtual_hosts:
            - name: vh
              domains: ['*']
              rate_limits: [{actions: [{remote_address: {}}]}]
              require_tls: ALL
              routes:
              - match: {prefix: /, runtime_fraction: {default_value: {numerator: 50}}}
                decorator: {operation: op}
                route:
                  cluster: c
                  auto_host_rewrite: true
                  hash_policy: [{filter_state: {key: x-user}}]
                  retry_policy: {retry_on: 5xx, retry_host_predicate: [{name: previous_hosts}]}
              - match: {prefix: /, headers: [{name: x, range_match: {start: 1, end: 5}}]}
                route:
                  weighted_clusters:
                    runtime_key_prefix: rk
                    clusters: [{name: a, weight: 1, metadata_match: {}}]
              - match: {connect_matcher: {}}
                route: {cluster: c}
              - match: {prefix: /}
                direct_response: {status: 200, body: {filename: /etc/passwd}}
            """);

    String route = "route_config.virtual_hosts[0].routes";
    assertThat(problems)
        .containsExactlyInAnyOrder(
            "route_config.validate_clusters: not supported by Bowline",
            "route_config.virtual_hosts[0].rate_limits: not supported by Bowline",
            "route_config.virtual_hosts[0].require_tls: not supported by Bowline",
            route + "[0].match.runtime_fraction: not supported by Bowline",
            route + "[0].decorator: not supported by Bowline",
            route + "[0].route.auto_host_rewrite: not supported by Bowline",
            route + "[0].route.hash_policy[0].filter_state: not supported by Bowline",
            route + "[0].route.retry_policy.retry_host_predicate[0].name: unsupported retry host"
                + " predicate \"previous_hosts\" (only envoy.retry_host_predicates.previous_hosts)",
            route + "[1].match.headers[0].range_match: not supported by Bowline",
            route + "[1].route.weighted_clusters.runtime_key_prefix: not supported by Bowline",
            route + "[1].route.weighted_clusters.clusters[0].metadata_match: not supported by Bowline",
            route + "[2].match.connect_matcher: not supported by Bowline",
            route + "[3].direct_response.body.filename: not supported by Bowline");
  }

  @Test
  void theGivenPathPrefixesEveryProblem() {
    String yaml =
        """
        virtual_hosts:
        - name: vh
          domains: ['*']
          rate_limits: [{actions: [{remote_address: {}}]}]
          routes: [{match: {prefix: /}, route: {cluster: c}}]
        """;

    assertThat(RouteYaml.problems(yaml, ""))
        .containsExactly("virtual_hosts[0].rate_limits: not supported by Bowline");
    assertThat(RouteYaml.problems(yaml, "static_resources.listeners[0].filter_chains[0].filters[0]"
            + ".typed_config.route_config"))
        .containsExactly(
            "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config"
                + ".virtual_hosts[0].rate_limits: not supported by Bowline");
  }

  @Test
  void routeWithoutAction() {
    assertThat(routeProblems("- match: {prefix: /}"))
        .containsExactly(
            "route_config.virtual_hosts[0].routes[0]: no action: one of route, redirect or"
                + " direct_response is required");
  }

  @Test
  void routeWithoutMatchOrPathSpecifier() {
    assertThat(
            routeProblems(
                """
                - route: {cluster: c}
                - match: {headers: [{name: x}]}
                  route: {cluster: c}
                """))
        .containsExactly(
            "route_config.virtual_hosts[0].routes[0].match: required",
            "route_config.virtual_hosts[0].routes[1].match: one of prefix, path, safe_regex or"
                + " path_separated_prefix is required");
  }

  @Test
  void weightedClustersWithZeroTotal() {
    assertThat(
            routeProblems(
                """
                - match: {prefix: /}
                  route:
                    weighted_clusters:
                      clusters: [{name: a, weight: 0}, {name: b}]
                """))
        .containsExactly(
            "route_config.virtual_hosts[0].routes[0].route.weighted_clusters.clusters: the sum of"
                + " the weights must be greater than 0");
  }

  @Test
  void weightedClustersProblems() {
    assertThat(
            routeProblems(
                """
                - match: {prefix: /}
                  route:
                    weighted_clusters:
                      total_weight: 100
                      clusters: [{name: a, weight: 30}, {weight: 20}]
                - match: {prefix: /}
                  route:
                    weighted_clusters: {clusters: []}
                - match: {prefix: /}
                  route: {}
                """))
        .containsExactly(
            "route_config.virtual_hosts[0].routes[0].route.weighted_clusters.clusters[1].name:"
                + " must not be empty",
            "route_config.virtual_hosts[0].routes[0].route.weighted_clusters.total_weight: is 100"
                + " but the weights add up to 50",
            "route_config.virtual_hosts[0].routes[1].route.weighted_clusters.clusters: at least"
                + " one cluster is required",
            "route_config.virtual_hosts[0].routes[2].route: one of cluster or weighted_clusters is"
                + " required");
  }

  @Test
  void headerMutationProblems() {
    assertThat(
            routeProblems(
                """
                - match: {prefix: /}
                  route: {cluster: c}
                  request_headers_to_add:
                  - {header: {key: host, value: x}}
                  - {header: {key: ':path', value: /x}}
                  - {header: {key: x-a, value: v}, append: true, append_action: ADD_IF_ABSENT}
                  - {header: {key: 'bad name', value: v}}
                  - {append: true}
                  - {header: {key: x-b, value: '%REQ(x-c%'}}
                  - {header: {key: x-b, value: 'a %REQ(x-c'}}
                  request_headers_to_remove: [':authority', '']
                """))
        .containsExactly(
            "route_config.virtual_hosts[0].routes[0].request_headers_to_add[0].header.key:"
                + " :-prefixed or host headers may not be modified",
            "route_config.virtual_hosts[0].routes[0].request_headers_to_add[1].header.key:"
                + " :-prefixed or host headers may not be modified",
            "route_config.virtual_hosts[0].routes[0].request_headers_to_add[2].append_action:"
                + " must not be set together with the deprecated append",
            "route_config.virtual_hosts[0].routes[0].request_headers_to_add[3].header.key:"
                + " invalid header name \"bad name\"",
            "route_config.virtual_hosts[0].routes[0].request_headers_to_add[4].header: required",
            "route_config.virtual_hosts[0].routes[0].request_headers_to_add[5].header.value:"
                + " %REQ(x-c% has no closing parenthesis",
            "route_config.virtual_hosts[0].routes[0].request_headers_to_add[6].header.value:"
                + " %REQ(x-c has no closing '%'",
            "route_config.virtual_hosts[0].routes[0].request_headers_to_remove[0]:"
                + " :-prefixed or host headers may not be removed",
            "route_config.virtual_hosts[0].routes[0].request_headers_to_remove[1]:"
                + " must not be empty");
  }

  @Test
  void matcherProblems() {
    assertThat(
            routeProblems(
                """
                - match:
                    path_separated_prefix: /api/
                    headers:
                    - {name: '', present_match: true}
                    - {name: x, string_match: {safe_regex: {regex: a}, ignore_case: true}}
                    - {name: x, string_match: {prefix: ''}}
                    - {name: x, string_match: {}}
                    query_parameters: [{present_match: true}]
                  route: {cluster: c}
                """))
        .containsExactly(
            "route_config.virtual_hosts[0].routes[0].match.path_separated_prefix: must have two"
                + " characters or more, no '?' or '#', and not end with '/'",
            "route_config.virtual_hosts[0].routes[0].match.headers[0].name: must not be empty",
            "route_config.virtual_hosts[0].routes[0].match.headers[1].string_match.ignore_case:"
                + " has no effect with safe_regex: use (?i) in the regex instead",
            "route_config.virtual_hosts[0].routes[0].match.headers[2].string_match.prefix: must"
                + " not be empty",
            "route_config.virtual_hosts[0].routes[0].match.headers[3].string_match: one of exact,"
                + " prefix, suffix, safe_regex or contains is required",
            "route_config.virtual_hosts[0].routes[0].match.query_parameters[0].name: must not be"
                + " empty");
  }

  @Test
  void actionProblems() {
    assertThat(
            routeProblems(
                """
                - match: {prefix: /}
                  route:
                    cluster: c
                    prefix_rewrite: /x
                    regex_rewrite: {pattern: {regex: '(a)'}, substitution: '\\2'}
                    timeout: -1s
                    retry_policy: {retry_on: '5xx,sometimes', retriable_status_codes: [42]}
                - match: {prefix: /}
                  direct_response: {status: 100}
                - match: {prefix: /}
                  redirect: {regex_rewrite: {pattern: {regex: x}, substitution: '\\q'}}
                """))
        .containsExactly(
            "route_config.virtual_hosts[0].routes[0].route.regex_rewrite: only one of"
                + " prefix_rewrite and regex_rewrite may be set",
            "route_config.virtual_hosts[0].routes[0].route.regex_rewrite.substitution: \\2 refers"
                + " to a capture group the pattern does not have (it has 1)",
            "route_config.virtual_hosts[0].routes[0].route.timeout: must not be negative",
            "route_config.virtual_hosts[0].routes[0].route.retry_policy.retry_on: unknown retry"
                + " condition \"sometimes\"",
            "route_config.virtual_hosts[0].routes[0].route.retry_policy.retriable_status_codes[0]:"
                + " must be an HTTP status code (100 to 599)",
            "route_config.virtual_hosts[0].routes[1].direct_response.status: must be between 200"
                + " and 599",
            "route_config.virtual_hosts[0].routes[2].redirect.regex_rewrite.substitution: invalid"
                + " escape '\\q': use \\0 to \\9 for groups and \\\\ for a backslash");
  }

  @Test
  void directResponseBodyIsLimitedAsInEnvoy() {
    String body = "x".repeat(5000);

    assertThat(
            routeProblems(
                "- {match: {prefix: /}, direct_response: {status: 200, body: {inline_string: "
                    + body
                    + "}}}"))
        .containsExactly(
            "route_config.virtual_hosts[0].routes[0].direct_response.body: is 5000 bytes, more"
                + " than max_direct_response_body_size_bytes (4096)");
    RouteYaml.compile(
        "max_direct_response_body_size_bytes: 8192\nvirtual_hosts:\n- name: vh\n  domains: ['*']\n"
            + "  routes: [{match: {prefix: /}, direct_response: {status: 200, body: {inline_string: "
            + body
            + "}}}]");
  }

  @Test
  void virtualHostProblems() {
    assertThat(
            RouteYaml.problems(
                """
                virtual_hosts:
                - name: vh
                  domains: [a.com]
                - name: vh
                  domains: [b.com]
                - domains: [c.com]
                - name: nodomains
                """))
        .containsExactly(
            "route_config.virtual_hosts[1].name: duplicate virtual host name \"vh\", already at"
                + " route_config.virtual_hosts[0]",
            "route_config.virtual_hosts[2].name: must not be empty",
            "route_config.virtual_hosts[3].domains: at least one domain is required");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    List<String> problems =
        RouteYaml.problems(
            """
            virtual_hosts:
            - name: a
              domains: ['*']
              rate_limits: [{actions: [{remote_address: {}}]}]
              routes:
              - match: {prefix: /}
              - match: {safe_regex: {regex: '('}}
                route: {cluster: c}
            - name: b
              domains: ['*']
            """);

    assertThat(problems).hasSize(4);
  }
}
