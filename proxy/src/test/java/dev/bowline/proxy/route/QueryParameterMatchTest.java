package dev.bowline.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueryParameterMatchTest {

  private static boolean matches(String matcherYaml, String path) {
    RouteTable table =
        RouteYaml.routes(
            "- match: {prefix: /, query_parameters: [" + matcherYaml + "]}\n  route: {cluster: c}");
    return table.route(TestRequest.of(path)) != null;
  }

  @ParameterizedTest(name = "{0} on {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{name: debug, string_match: {exact: '1'}}             | /?debug=1          | true",
        "{name: debug, string_match: {exact: '1'}}             | /p?a=b&debug=1&c   | true",
        "{name: debug, string_match: {exact: '1'}}             | /?debug=2          | false",
        "{name: debug, string_match: {exact: '1'}}             | /?debug=10         | false",
        "{name: debug, string_match: {exact: '1'}}             | /?xdebug=1         | false",
        "{name: debug, string_match: {exact: '1'}}             | /debug=1           | false",
        "{name: debug, string_match: {exact: '1'}}             | /                  | false",
        // only the first occurrence counts
        "{name: debug, string_match: {exact: '1'}}             | /?debug=2&debug=1  | false",
        // a parameter without '=' has the empty value
        "{name: debug, string_match: {exact: ''}}              | /?debug            | true",
        "{name: debug, string_match: {exact: ''}}              | /?debug=           | true",
        // values are not percent-decoded, as in Envoy's route matching
        "{name: q, string_match: {exact: 'a b'}}               | /?q=a%20b          | false",
        "{name: q, string_match: {exact: 'a%20b'}}             | /?q=a%20b          | true",
        "{name: q, string_match: {prefix: ab}}                 | /?q=abc            | true",
        "{name: q, string_match: {suffix: bc}}                 | /?q=abc&r          | true",
        "{name: q, string_match: {contains: B, ignore_case: true}} | /?q=abc        | true",
        "{name: q, string_match: {safe_regex: {regex: '[0-9]+'}}} | /?q=123&x=y     | true",
        "{name: q, string_match: {safe_regex: {regex: '[0-9]+'}}} | /?q=123a        | false",
        // the fragment is not part of the query
        "{name: q, string_match: {exact: v}}                   | /?q=v#frag         | true",
        // presence
        "{name: debug, present_match: true}                    | /?debug            | true",
        "{name: debug, present_match: true}                    | /?other=1          | false",
        // Envoy: present_match false also matches a present parameter
        "{name: debug, present_match: false}                   | /?debug=0          | true",
        "{name: debug, present_match: false}                   | /?other            | false",
      })
  void queryParameterMatchers(String matcher, String path, boolean expected) {
    assertThat(matches(matcher, path)).isEqualTo(expected);
  }

  @Test
  void allQueryParameterMatchersMustMatch() {
    String matchers = "{name: a, string_match: {exact: '1'}}, {name: b, present_match: true}";

    assertThat(matches(matchers, "/?b&a=1")).isTrue();
    assertThat(matches(matchers, "/?a=1")).isFalse();
  }
}
