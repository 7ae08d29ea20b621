package dev.bowline.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteMatchTest {

  private static String cluster(RouteTable table, TestRequest request) {
    RouteEntry entry = table.route(request);
    return entry == null ? null : ((ForwardAction) entry.action()).pickCluster(0).name();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "/api, api",
    "/api/v1, api",
    "/apix, api",
    "/api?x=1, api",
    "/ap, null",
    "/API, null",
    "/, null",
  })
  void prefixMatchesTheStartOfThePath(String path, String expected) {
    RouteTable table = RouteYaml.routes("- {match: {prefix: /api}, route: {cluster: api}}");

    assertThat(cluster(table, TestRequest.of(path))).isEqualTo(nullable(expected));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "/exact, exact",
    "/exact?query=1, exact",
    "/exact#fragment, exact",
    "/exact/, null",
    "/exac, null",
    "/EXACT, null",
  })
  void pathMatchesTheWholePathWithoutQuery(String path, String expected) {
    RouteTable table = RouteYaml.routes("- {match: {path: /exact}, route: {cluster: exact}}");

    assertThat(cluster(table, TestRequest.of(path))).isEqualTo(nullable(expected));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "/api, api",
    "/api/, api",
    "/api/v1, api",
    "/api?x=y, api",
    "/apix, null",
    "/ap, null",
  })
  void pathSeparatedPrefixMatchesWholeSegments(String path, String expected) {
    RouteTable table =
        RouteYaml.routes("- {match: {path_separated_prefix: /api}, route: {cluster: api}}");

    assertThat(cluster(table, TestRequest.of(path))).isEqualTo(nullable(expected));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "/users/42, users",
    "/users/42?expand=true, users",
    "/users/42/orders, null",
    "/x/users/42, null",
    "/users/, null",
  })
  void safeRegexMustMatchTheWholePathWithoutQuery(String path, String expected) {
    RouteTable table =
        RouteYaml.routes(
            "- {match: {safe_regex: {regex: '/users/[0-9]+'}}, route: {cluster: users}}");

    assertThat(cluster(table, TestRequest.of(path))).isEqualTo(nullable(expected));
  }

  @Test
  void caseSensitiveFalseIgnoresAsciiCaseOfPrefixPathAndSeparatedPrefix() {
    RouteTable table =
        RouteYaml.routes(
            """
            - {match: {prefix: /Api, case_sensitive: false}, route: {cluster: prefix}}
            - {match: {path: /Exact, case_sensitive: false}, route: {cluster: path}}
            - {match: {path_separated_prefix: /Seg, case_sensitive: false}, route: {cluster: seg}}
            - {match: {prefix: /Sensitive, case_sensitive: true}, route: {cluster: sensitive}}
            """);

    assertThat(cluster(table, TestRequest.of("/aPI/x"))).isEqualTo("prefix");
    assertThat(cluster(table, TestRequest.of("/EXACT?q"))).isEqualTo("path");
    assertThat(cluster(table, TestRequest.of("/sEg/1"))).isEqualTo("seg");
    assertThat(cluster(table, TestRequest.of("/segx"))).isNull();
    assertThat(cluster(table, TestRequest.of("/Sensitive"))).isEqualTo("sensitive");
    assertThat(cluster(table, TestRequest.of("/sensitive"))).isNull();
  }

  @Test
  void theFirstMatchingRouteWins() {
    RouteTable table =
        RouteYaml.routes(
            """
            - {match: {path: /api/health}, route: {cluster: health}}
            - {match: {prefix: /api}, route: {cluster: api}}
            - {match: {prefix: /api/v2}, route: {cluster: never}}
            - {match: {prefix: /}, route: {cluster: fallback}}
            """);

    assertThat(cluster(table, TestRequest.of("/api/health"))).isEqualTo("health");
    assertThat(cluster(table, TestRequest.of("/api/v2/x"))).isEqualTo("api");
    assertThat(cluster(table, TestRequest.of("/web"))).isEqualTo("fallback");
  }

  @Test
  void aRouteWhoseHeadersDoNotMatchIsSkipped() {
    RouteTable table =
        RouteYaml.routes(
            """
            - match: {prefix: /, headers: [{name: x-canary, string_match: {exact: 'true'}}]}
              route: {cluster: canary}
            - {match: {prefix: /}, route: {cluster: stable}}
            """);

    assertThat(cluster(table, TestRequest.of("/").header("x-canary", "true"))).isEqualTo("canary");
    assertThat(cluster(table, TestRequest.of("/").header("x-canary", "no"))).isEqualTo("stable");
    assertThat(cluster(table, TestRequest.of("/"))).isEqualTo("stable");
  }

  @Test
  void noRouteWhenNothingMatchesOrThereIsNoPath() {
    RouteTable table = RouteYaml.routes("- {match: {prefix: /api}, route: {cluster: api}}");

    assertThat(table.route(TestRequest.of("/web"))).isNull();
    assertThat(table.route(TestRequest.of(null))).isNull();
  }

  @Test
  void anEmptyPrefixMatchesEveryPath() {
    RouteTable table = RouteYaml.routes("- {match: {prefix: ''}, route: {cluster: all}}");

    assertThat(cluster(table, TestRequest.of("/anything?x"))).isEqualTo("all");
  }

  @Test
  void theEntryNamesItsRouteAndVirtualHost() {
    RouteTable table =
        RouteYaml.routes("- {name: the-route, match: {prefix: /}, route: {cluster: c}}");

    RouteEntry entry = table.route(TestRequest.of("/"));

    assertThat(entry.name()).isEqualTo("the-route");
    assertThat(entry.virtualHostName()).isEqualTo("vh");
    assertThat(table.routeCount()).isEqualTo(1);
    assertThat(table.virtualHostCount()).isEqualTo(1);
  }

  private static String nullable(String value) {
    return "null".equals(value) ? null : value;
  }
}
