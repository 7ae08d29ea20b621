package dev.bowline.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HeaderMatchTest {

  /** Whether a route whose only condition is {@code matcherYaml} matches {@code request}. */
  private static boolean matches(String matcherYaml, TestRequest request) {
    RouteTable table =
        RouteYaml.routes(
            "- match: {prefix: /, headers: [" + matcherYaml + "]}\n  route: {cluster: c}");
    return table.route(request) != null;
  }

  private static boolean matches(String matcherYaml, UnaryOperator<TestRequest> request) {
    return matches(matcherYaml, request.apply(TestRequest.of("/")));
  }

  /** Whether the matcher matches a request whose header {@code x} is {@code value} (or absent). */
  private static boolean matchesX(String matcherYaml, String value) {
    return matches(matcherYaml, r -> value == null ? r : r.header("x", value));
  }

  @ParameterizedTest(name = "{0} on {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        // string_match kinds
        "{name: x, string_match: {exact: abc}}              | abc    | true",
        "{name: x, string_match: {exact: abc}}              | abcd   | false",
        "{name: x, string_match: {exact: abc}}              | ABC    | false",
        "{name: x, string_match: {exact: abc, ignore_case: true}} | ABC | true",
        "{name: x, string_match: {exact: ''}}               | ''     | true",
        "{name: x, string_match: {exact: ''}}               | a      | false",
        "{name: x, string_match: {prefix: ab}}              | abc    | true",
        "{name: x, string_match: {prefix: ab}}              | xab    | false",
        "{name: x, string_match: {prefix: AB, ignore_case: true}} | abc | true",
        "{name: x, string_match: {suffix: bc}}              | abc    | true",
        "{name: x, string_match: {suffix: bc}}              | bca    | false",
        "{name: x, string_match: {suffix: BC, ignore_case: true}} | abc | true",
        "{name: x, string_match: {contains: b}}             | abc    | true",
        "{name: x, string_match: {contains: d}}             | abc    | false",
        "{name: x, string_match: {contains: B, ignore_case: true}} | abc | true",
        "{name: x, string_match: {safe_regex: {regex: 'a.c'}}} | abc  | true",
        "{name: x, string_match: {safe_regex: {regex: 'b'}}} | abc   | false",
        "{name: x, string_match: {safe_regex: {regex: '(?i)A.C'}}} | abc | true",
        // legacy forms Envoy still accepts
        "{name: x, exact_match: abc}                        | abc    | true",
        "{name: x, exact_match: abc}                        | abd    | false",
        "{name: x, exact_match: ''}                         | any    | true",
        "{name: x, prefix_match: ab}                        | abc    | true",
        "{name: x, suffix_match: bc}                        | abc    | true",
        "{name: x, contains_match: b}                       | abc    | true",
        "{name: x, safe_regex_match: {regex: '[a-c]+'}}     | abc    | true",
        "{name: x, safe_regex_match: {regex: '[a-c]+'}}     | abcd   | false",
        // inverted value matchers
        "{name: x, string_match: {exact: abc}, invert_match: true} | abc | false",
        "{name: x, string_match: {exact: abc}, invert_match: true} | abd | true",
        "{name: x, safe_regex_match: {regex: '\\d{3}'}, invert_match: true} | 1234 | true",
        // header names are case-insensitive
        "{name: X, string_match: {exact: abc}}              | abc    | true",
      })
  void valueMatchers(String matcher, String value, boolean expected) {
    assertThat(matchesX(matcher, value)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} on {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      nullValues = "ABSENT",
      value = {
        "{name: x, present_match: true}                         | v      | true",
        "{name: x, present_match: true}                         | ''     | true",
        "{name: x, present_match: true}                         | ABSENT | false",
        "{name: x, present_match: false}                        | v      | false",
        "{name: x, present_match: false}                        | ABSENT | true",
        "{name: x, present_match: true, invert_match: true}     | v      | false",
        "{name: x, present_match: true, invert_match: true}     | ABSENT | true",
        "{name: x, present_match: false, invert_match: true}    | v      | true",
        "{name: x, present_match: false, invert_match: true}    | ABSENT | false",
        // no specifier: the header must be present
        "{name: x}                                              | v      | true",
        "{name: x}                                              | ABSENT | false",
        // an absent header matches no value matcher, inverted or not
        "{name: x, string_match: {exact: abc}}                  | ABSENT | false",
        "{name: x, string_match: {exact: abc}, invert_match: true} | ABSENT | false",
        // ... unless treated as empty
        "{name: x, string_match: {exact: ''}, treat_missing_header_as_empty: true} | ABSENT | true",
        "{name: x, string_match: {exact: abc}, invert_match: true, treat_missing_header_as_empty: true} | ABSENT | true",
        "{name: x, string_match: {prefix: a}, treat_missing_header_as_empty: true} | ABSENT | false",
      })
  void presenceAndAbsence(String matcher, String value, boolean expected) {
    assertThat(matchesX(matcher, value)).isEqualTo(expected);
  }

  @Test
  void aHeaderSentTwiceIsMatchedAsItsValuesJoinedWithComma() {
    String matcher = "{name: x, string_match: {exact: 'a,b'}}";

    assertThat(matches(matcher, r -> r.header("x", "a").header("x", "b"))).isTrue();
    assertThat(matches(matcher, r -> r.header("x", "a"))).isFalse();
  }

  @Test
  void allHeaderMatchersMustMatch() {
    String matchers =
        "{name: a, string_match: {exact: '1'}}, {name: b, present_match: true}";

    assertThat(matches(matchers, r -> r.header("a", "1").header("b", "x"))).isTrue();
    assertThat(matches(matchers, r -> r.header("a", "1"))).isFalse();
    assertThat(matches(matchers, r -> r.header("a", "2").header("b", "x"))).isFalse();
  }

  @Test
  void methodIsMatchedAsThePseudoHeaderMethod() {
    String matcher = "{name: ':method', string_match: {exact: POST}}";

    assertThat(matches(matcher, r -> r.method("POST"))).isTrue();
    assertThat(matches(matcher, r -> r.method("GET"))).isFalse();
  }

  @Test
  void methodCanBeInverted() {
    String matcher = "{name: ':method', string_match: {exact: GET}, invert_match: true}";

    assertThat(matches(matcher, r -> r.method("DELETE"))).isTrue();
    assertThat(matches(matcher, r -> r.method("GET"))).isFalse();
  }

  @Test
  void authorityPathAndSchemePseudoHeaders() {
    assertThat(
            matches(
                "{name: ':authority', string_match: {suffix: ':8080'}}",
                TestRequest.of("foo.com:8080", "/")))
        .isTrue();
    assertThat(
            matches(
                "{name: host, string_match: {exact: 'foo.com'}}", TestRequest.of("foo.com", "/")))
        .isTrue();
    assertThat(
            matches(
                "{name: ':path', string_match: {exact: '/a?b=c'}}",
                TestRequest.of("/a?b=c")))
        .isTrue();
    assertThat(matches("{name: ':scheme', string_match: {exact: https}}", r -> r.scheme("https")))
        .isTrue();
    assertThat(matches("{name: ':scheme', string_match: {exact: https}}", r -> r.scheme("http")))
        .isFalse();
  }

  @Test
  void grpcMatchesOnlyGrpcContentTypes() {
    RouteTable table =
        RouteYaml.routes(
            """
            - {match: {prefix: /, grpc: {}}, route: {cluster: grpc}}
            - {match: {prefix: /}, route: {cluster: http}}
            """);

    assertThat(clusterFor(table, "application/grpc")).isEqualTo("grpc");
    assertThat(clusterFor(table, "application/grpc+proto")).isEqualTo("grpc");
    assertThat(clusterFor(table, "application/grpc;charset=utf-8")).isEqualTo("grpc");
    assertThat(clusterFor(table, "application/grpc-web")).isEqualTo("http");
    assertThat(clusterFor(table, "application/json")).isEqualTo("http");
    assertThat(clusterFor(table, null)).isEqualTo("http");
  }

  private static String clusterFor(RouteTable table, String contentType) {
    TestRequest request = TestRequest.of("/").method("POST");
    if (contentType != null) {
      request.header("content-type", contentType);
    }
    return ((ForwardAction) table.route(request).action()).pickCluster().name();
  }
}
