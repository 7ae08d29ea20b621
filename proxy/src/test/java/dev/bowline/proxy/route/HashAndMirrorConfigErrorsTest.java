package dev.bowline.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Bad {@code hash_policy} and {@code request_mirror_policies}: every problem, with its path. */
class HashAndMirrorConfigErrorsTest {

  private static final String ROUTE = "route_config.virtual_hosts[0].routes[0].route";

  private static String routeWith(String actionYaml) {
    return """
        virtual_hosts:
        - name: vh
          domains: ['*']
          routes:
          - match: {prefix: /}
            route:
              cluster: app
        """
        + actionYaml.indent(6);
  }

  @Test
  void badHashPoliciesAreReportedEachWithItsPath() {
    assertThat(
            RouteYaml.problems(
                routeWith(
                    """
                    hash_policy:
                    - header: {header_name: ''}
                    - header: {header_name: 'x user'}
                    - header:
                        header_name: x-a
                        regex_rewrite: {pattern: {regex: '(a)'}, substitution: '\\2'}
                    - cookie: {ttl: -1s, path: "/a;b", attributes: [{name: '', value: "x\\ny"}]}
                    - query_parameter: {}
                    - filter_state: {key: k}
                    - terminal: true
                    """)))
        .containsExactlyInAnyOrder(
            ROUTE + ".hash_policy[0].header.header_name: required",
            ROUTE + ".hash_policy[1].header.header_name: invalid header name \"x user\"",
            ROUTE + ".hash_policy[2].header.regex_rewrite.substitution: \\2 refers to a capture"
                + " group the pattern does not have (it has 1)",
            ROUTE + ".hash_policy[3].cookie.name: required",
            ROUTE + ".hash_policy[3].cookie.ttl: must not be negative",
            ROUTE + ".hash_policy[3].cookie.path: must not contain ';', control characters or"
                + " non-ASCII",
            ROUTE + ".hash_policy[3].cookie.attributes[0].name: must be a token such as SameSite"
                + " or Secure",
            ROUTE + ".hash_policy[3].cookie.attributes[0].value: must not contain ';', control"
                + " characters or non-ASCII",
            ROUTE + ".hash_policy[4].query_parameter.name: required",
            ROUTE + ".hash_policy[5].filter_state: not supported by Bowline",
            ROUTE + ".hash_policy[6]: one of header, cookie, connection_properties or"
                + " query_parameter is required");
  }

  @Test
  void istiosHashPoliciesAreAccepted() {
    // What Istio writes for consistentHash httpHeaderName, httpCookie, useSourceIp and
    // httpQueryParameterName.
    RouteYaml.compile(
        routeWith(
            """
            hash_policy:
            - header: {header_name: x-user}
            - cookie: {name: user, path: /, ttl: 0s}
            - connection_properties: {source_ip: true}
            - query_parameter: {name: user}
            """));
  }

  @Test
  void badMirrorPoliciesAreReportedEachWithItsPath() {
    assertThat(
            RouteYaml.problems(
                routeWith(
                    """
                    request_mirror_policies:
                    - {}
                    - {cluster_header: x-mirror}
                    - {cluster: s, runtime_fraction: {runtime_key: mirror.s, default_value: {numerator: 5}}}
                    - {cluster: s, trace_sampled: true}
                    - {cluster: s, runtime_fraction: {}}
                    """)))
        .containsExactlyInAnyOrder(
            ROUTE + ".request_mirror_policies[0].cluster: required",
            ROUTE + ".request_mirror_policies[1].cluster_header: not supported by Bowline",
            ROUTE + ".request_mirror_policies[1].cluster: required",
            ROUTE + ".request_mirror_policies[2].runtime_fraction.runtime_key: not supported by"
                + " Bowline",
            ROUTE + ".request_mirror_policies[3].trace_sampled: true is not supported: Bowline"
                + " does not trace requests (leave it absent or false)",
            ROUTE + ".request_mirror_policies[4].runtime_fraction.default_value: required");
  }
}
