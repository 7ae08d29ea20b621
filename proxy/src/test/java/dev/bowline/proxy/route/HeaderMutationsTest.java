package dev.bowline.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeaderMutationsTest {

  /** A configuration whose three levels each set {@code x-level} and append to {@code x-trail}. */
  private static final String THREE_LEVELS =
      """
      %s
      request_headers_to_add:
      - {header: {key: x-level, value: config}, append_action: OVERWRITE_IF_EXISTS_OR_ADD}
      - {header: {key: x-trail, value: config}}
      request_headers_to_remove: [x-remove-config]
      response_headers_to_add:
      - {header: {key: x-level, value: config}, append: false}
      response_headers_to_remove: [server]
      virtual_hosts:
      - name: vh
        domains: ['*']
        request_headers_to_add:
        - {header: {key: x-level, value: vhost}, append_action: OVERWRITE_IF_EXISTS_OR_ADD}
        - {header: {key: x-trail, value: vhost}}
        request_headers_to_remove: [x-remove-vhost]
        response_headers_to_add:
        - {header: {key: x-level, value: vhost}, append: false}
        routes:
        - match: {prefix: /}
          route: {cluster: c}
          request_headers_to_add:
          - {header: {key: x-level, value: route}, append_action: OVERWRITE_IF_EXISTS_OR_ADD}
          - {header: {key: x-trail, value: route}}
          request_headers_to_remove: [x-remove-route]
          response_headers_to_add:
          - {header: {key: x-level, value: route}, append: false}
      """;

  private static ClusterTarget target(String yaml, TestRequest request) {
    RouteEntry entry = RouteYaml.compile(yaml).route(request);
    return ((ForwardAction) entry.action()).pickCluster(0);
  }

  @Test
  void levelsApplyRouteThenVirtualHostThenRouteConfiguration() {
    TestRequest request =
        TestRequest.of("/")
            .header("x-remove-route", "1")
            .header("x-remove-vhost", "1")
            .header("x-remove-config", "1")
            .header("x-keep", "1");
    ClusterTarget target = target(THREE_LEVELS.formatted(""), request);

    target.requestHeaders().apply(request, TestContext.of(request));

    // the least specific level's overwrite is applied last, so it wins (Envoy's default)
    assertThat(request.headers().all("x-level")).containsExactly("config");
    assertThat(request.headers().all("x-trail")).containsExactly("route", "vhost", "config");
    assertThat(request.headers().asMap())
        .doesNotContainKeys("x-remove-route", "x-remove-vhost", "x-remove-config")
        .containsKey("x-keep");
  }

  @Test
  void mostSpecificHeaderMutationsWinsReversesTheOrder() {
    TestRequest request = TestRequest.of("/");
    ClusterTarget target =
        target(THREE_LEVELS.formatted("most_specific_header_mutations_wins: true"), request);

    target.requestHeaders().apply(request, TestContext.of(request));

    assertThat(request.headers().all("x-level")).containsExactly("route");
    assertThat(request.headers().all("x-trail")).containsExactly("config", "vhost", "route");
  }

  @Test
  void responseHeadersMergeLikeRequestHeaders() {
    TestRequest request = TestRequest.of("/");
    ClusterTarget target = target(THREE_LEVELS.formatted(""), request);
    TestHeaders response = new TestHeaders().with("server", "upstream").with("x-level", "upstream");

    target.responseHeaders().apply(response, TestContext.of(request));

    assertThat(response.all("x-level")).containsExactly("config");
    assertThat(response.asMap()).doesNotContainKey("server");
  }

  @Test
  void theRouteEntryCarriesTheSameMergedLevels() {
    TestRequest request = TestRequest.of("/");
    RouteEntry entry = RouteYaml.compile(THREE_LEVELS.formatted("")).route(request);

    entry.requestHeaders().apply(request, TestContext.of(request));

    assertThat(request.headers().all("x-trail")).containsExactly("route", "vhost", "config");
  }

  @Test
  void appendActions() {
    TestRequest request =
        TestRequest.of("/")
            .header("x-append", "old")
            .header("x-if-absent-present", "old")
            .header("x-overwrite", "old")
            .header("x-overwrite", "older")
            .header("x-overwrite-if-exists", "old");
    RouteTable table =
        RouteYaml.routes(
            """
            - match: {prefix: /}
              route: {cluster: c}
              request_headers_to_add:
              - {header: {key: x-append, value: new}}
              - {header: {key: x-append-explicit, value: new}, append_action: APPEND_IF_EXISTS_OR_ADD}
              - {header: {key: x-legacy-append, value: new}, append: true}
              - {header: {key: x-if-absent-present, value: new}, append_action: ADD_IF_ABSENT}
              - {header: {key: x-if-absent-absent, value: new}, append_action: ADD_IF_ABSENT}
              - {header: {key: x-overwrite, value: new}, append_action: OVERWRITE_IF_EXISTS_OR_ADD}
              - {header: {key: x-overwrite-added, value: new}, append_action: OVERWRITE_IF_EXISTS_OR_ADD}
              - {header: {key: x-overwrite-if-exists, value: new}, append_action: OVERWRITE_IF_EXISTS}
              - {header: {key: x-overwrite-if-exists-absent, value: new}, append_action: OVERWRITE_IF_EXISTS}
            """);

    ((ForwardAction) table.route(request).action())
        .pickCluster()
        .requestHeaders()
        .apply(request, TestContext.of(request));

    TestHeaders headers = request.headers();
    assertThat(headers.all("x-append")).containsExactly("old", "new");
    assertThat(headers.all("x-append-explicit")).containsExactly("new");
    assertThat(headers.all("x-legacy-append")).containsExactly("new");
    assertThat(headers.all("x-if-absent-present")).containsExactly("old");
    assertThat(headers.all("x-if-absent-absent")).containsExactly("new");
    assertThat(headers.all("x-overwrite")).containsExactly("new");
    assertThat(headers.all("x-overwrite-added")).containsExactly("new");
    assertThat(headers.all("x-overwrite-if-exists")).containsExactly("new");
    assertThat(headers.asMap()).doesNotContainKey("x-overwrite-if-exists-absent");
  }

  @Test
  void aLevelRemovesBeforeItAdds() {
    TestRequest request = TestRequest.of("/").header("x-h", "old");
    RouteEntry entry =
        RouteYaml.routes(
                """
                - match: {prefix: /}
                  direct_response: {status: 200}
                  request_headers_to_remove: [X-H]
                  request_headers_to_add: [{header: {key: X-H, value: new}}]
                """)
            .route(request);

    entry.requestHeaders().apply(request, TestContext.of(request));

    assertThat(request.headers().all("x-h")).containsExactly("new");
  }

  @Test
  void aLevelDecidesEveryAdditionBeforeChangingAnything() {
    TestRequest request = TestRequest.of("/");
    RouteEntry entry =
        RouteYaml.routes(
                """
                - match: {prefix: /}
                  direct_response: {status: 200}
                  request_headers_to_add:
                  - {header: {key: x-once, value: a}, append_action: ADD_IF_ABSENT}
                  - {header: {key: x-once, value: b}, append_action: ADD_IF_ABSENT}
                  - {header: {key: x-copy, value: '%REQ(x-once)%'}}
                """)
            .route(request);

    entry.requestHeaders().apply(request, TestContext.of(request));

    // as in Envoy: both saw x-once absent, and x-copy saw it absent too (empty, so not added)
    assertThat(request.headers().all("x-once")).containsExactly("a", "b");
    assertThat(request.headers().asMap()).doesNotContainKey("x-copy");
  }

  @Test
  void emptyValuesAreSkippedUnlessKept() {
    TestRequest request = TestRequest.of("/");
    RouteEntry entry =
        RouteYaml.routes(
                """
                - match: {prefix: /}
                  direct_response: {status: 200}
                  request_headers_to_add:
                  - {header: {key: x-empty, value: ''}}
                  - {header: {key: x-kept, value: ''}, keep_empty_value: true}
                  - {header: {key: x-missing, value: '%REQ(x-nope)%'}}
                """)
            .route(request);

    entry.requestHeaders().apply(request, TestContext.of(request));

    assertThat(request.headers().asMap()).doesNotContainKeys("x-empty", "x-missing");
    assertThat(request.headers().all("x-kept")).containsExactly("");
  }

  @Test
  void formatVariables() {
    TestRequest request =
        TestRequest.of("api.example.com", "/items?id=1").method("PUT").header("x-user", "alice");
    RouteEntry entry =
        RouteYaml.routes(
                """
                - match: {prefix: /}
                  direct_response: {status: 200}
                  request_headers_to_add:
                  - {header: {key: x-client-ip, value: '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%'}}
                  - {header: {key: x-client, value: '%DOWNSTREAM_REMOTE_ADDRESS%'}}
                  - {header: {key: x-who, value: 'user=%REQ(X-User)%;path=%REQ(:path)%'}}
                  - {header: {key: x-alt, value: '%REQ(x-none?:authority)%'}}
                  - {header: {key: x-short, value: '%REQ(:method):2%'}}
                  - {header: {key: x-literal, value: '100%% %UNKNOWN_VAR% 50% off'}}
                """)
            .route(request);

    entry.requestHeaders().apply(request, TestContext.of(request));

    TestHeaders headers = request.headers();
    assertThat(headers.all("x-client-ip")).containsExactly("10.1.2.3");
    assertThat(headers.all("x-client")).containsExactly("10.1.2.3:51234");
    assertThat(headers.all("x-who")).containsExactly("user=alice;path=/items?id=1");
    assertThat(headers.all("x-alt")).containsExactly("api.example.com");
    assertThat(headers.all("x-short")).containsExactly("PU");
    assertThat(headers.all("x-literal")).containsExactly("100% %UNKNOWN_VAR% 50% off");
  }

  @Test
  void laterLevelsSeeEarlierLevelsChangesThroughReq() {
    TestRequest request = TestRequest.of("/");
    ClusterTarget target =
        target(
            """
            request_headers_to_add: [{header: {key: x-copy, value: 'copied %REQ(x-route)%'}}]
            virtual_hosts:
            - name: vh
              domains: ['*']
              routes:
              - match: {prefix: /}
                route: {cluster: c}
                request_headers_to_add: [{header: {key: x-route, value: r}}]
            """,
            request);

    target.requestHeaders().apply(request, TestContext.of(request));

    assertThat(request.headers().all("x-copy")).containsExactly("copied r");
  }

  @Test
  void aWeightedClustersLevelComesFirst() {
    TestRequest request = TestRequest.of("/");
    ClusterTarget target =
        target(
            """
            virtual_hosts:
            - name: vh
              domains: ['*']
              routes:
              - match: {prefix: /}
                request_headers_to_add: [{header: {key: x-trail, value: route}}]
                response_headers_to_add: [{header: {key: x-r, value: route}}]
                route:
                  weighted_clusters:
                    clusters:
                    - name: v1
                      weight: 1
                      request_headers_to_add: [{header: {key: x-trail, value: cluster}}]
                      request_headers_to_remove: [x-drop]
                      response_headers_to_add: [{header: {key: x-r, value: cluster}}]
            """,
            request.header("x-drop", "1"));

    target.requestHeaders().apply(request, TestContext.of(request));
    TestHeaders response = new TestHeaders();
    target.responseHeaders().apply(response, TestContext.of(request));

    assertThat(target.name()).isEqualTo("v1");
    assertThat(request.headers().all("x-trail")).containsExactly("cluster", "route");
    assertThat(request.headers().asMap()).doesNotContainKey("x-drop");
    assertThat(response.all("x-r")).containsExactly("cluster", "route");
  }

  @Test
  void noMutationsIsEmpty() {
    RouteEntry entry = RouteYaml.routes("- {match: {prefix: /}, route: {cluster: c}}").route(TestRequest.of("/"));

    assertThat(entry.requestHeaders().isEmpty()).isTrue();
    assertThat(((ForwardAction) entry.action()).pickCluster().responseHeaders())
        .isSameAs(HeaderMutations.NONE);
  }
}
