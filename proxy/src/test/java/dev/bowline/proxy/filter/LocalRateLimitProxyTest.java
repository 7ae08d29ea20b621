package dev.bowline.proxy.filter;

import static dev.bowline.proxy.filter.FilterProxy.LOCAL_RATE_LIMIT_TYPE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Envoy's local rate limit through a running proxy, over real sockets (HTTP/1.1 and h2c). */
class LocalRateLimitProxyTest {

  /** The connection manager's filter as Istio (Pilot) writes it: no bucket of its own. */
  private static final String ISTIO_FILTER =
      """
      - name: envoy.filters.http.local_ratelimit
        typed_config:
          "@type": %s
          stat_prefix: http_local_rate_limiter
          filter_enabled: {default_value: {numerator: 100, denominator: HUNDRED}}
          filter_enforced: {default_value: {numerator: 100, denominator: HUNDRED}}
      """
          .formatted(LOCAL_RATE_LIMIT_TYPE);

  @TempDir Path dir;
  @RegisterExtension final FilterProxyFixture fixture = new FilterProxyFixture();

  /** A route to {@code app} with a local rate limit ({@code limit}: LocalRateLimit fields). */
  private static String limitedRoute(String prefix, String limit, String routeExtra) {
    return """
        - match: {prefix: "%s"}
          route:
            cluster: app
        %s
          typed_per_filter_config:
            envoy.filters.http.local_ratelimit:
              "@type": %s
              stat_prefix: http_local_rate_limiter
              filter_enabled: {default_value: {numerator: 100, denominator: HUNDRED}}
              filter_enforced: {default_value: {numerator: 100, denominator: HUNDRED}}
        %s
        """
        .formatted(
            prefix, routeExtra.indent(4).stripTrailing(), LOCAL_RATE_LIMIT_TYPE,
            limit.indent(6).stripTrailing());
  }

  private FilterProxy proxy(String routes, boolean useRemoteAddress) throws Exception {
    return fixture.open(
        new FilterProxy(dir, ISTIO_FILTER, routes, fixture.app().port(), 0, useRemoteAddress));
  }

  private static void assertLimited(HttpResponse<String> r) {
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.body()).isEqualTo("local_rate_limited");
    assertThat(r.headers().firstValue("x-envoy-ratelimited")).contains("true");
    assertThat(r.headers().firstValue("x-bowline-response-flags")).contains("RL");
  }

  @Test
  void aRoutesBucketAnswers429OnceEmptyOverHttp1AndHttp2() throws Exception {
    FilterProxy proxy =
        proxy(
            limitedRoute(
                "/",
                """
                token_bucket: {max_tokens: 2, tokens_per_fill: 2, fill_interval: 3600s}
                response_headers_to_add: [{header: {key: x-limit, value: two-per-hour}}]
                """,
                ""),
            true);
    assertThat(proxy.get("/a").statusCode()).isEqualTo(200);
    assertThat(proxy.get("/b").statusCode()).isEqualTo(200);
    HttpResponse<String> third = proxy.get("/c");
    assertLimited(third);
    assertThat(third.headers().firstValue("x-limit")).contains("two-per-hour");

    H2cClient h2 = fixture.open(new H2cClient(proxy.port()));
    H2cClient.Response h = h2.get("/d", Map.of());
    assertThat(h.status()).isEqualTo(429);
    assertThat(h.header("x-envoy-ratelimited")).isEqualTo("true");
    assertThat(h.header("x-bowline-response-flags")).isEqualTo("RL");

    assertThat(fixture.app().seen).hasSize(2);
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.accessLogLines().size() >= 4);
    assertThat(proxy.accessLogLines()).containsExactly("/a 200 -", "/b 200 -", "/c 429 RL", "/d 429 RL");
    assertThat(proxy.counter("bowline_http_local_replies_total", "response_flags=\"RL\"")).isEqualTo(2);
    assertThat(proxy.counter("envoy_http_local_rate_limit_rate_limited", "http_local_rate_limiter"))
        .isEqualTo(2);
  }

  @Test
  void theBucketRefillsLater() throws Exception {
    FilterProxy proxy =
        proxy(
            limitedRoute(
                "/", "token_bucket: {max_tokens: 1, tokens_per_fill: 1, fill_interval: 1s}", ""),
            true);
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> proxy.get("/").statusCode() == 429);
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> proxy.get("/").statusCode() == 200);
  }

  /** Istio's per-client rate limit, with the default bucket left to requests without the header. */
  private static final String PER_USER =
      """
      token_bucket: {max_tokens: 100, tokens_per_fill: 100, fill_interval: 3600s}
      always_consume_default_token_bucket: false
      descriptors:
      - entries: [{key: x-user, value: ""}]
        token_bucket: {max_tokens: 1, tokens_per_fill: 1, fill_interval: 3600s}
      """;

  @Test
  void eachUserHasABucketOfTheirOwn() throws Exception {
    FilterProxy proxy =
        proxy(
            limitedRoute(
                "/",
                PER_USER,
                "rate_limits: [{actions: [{request_headers: {header_name: x-user, descriptor_key: x-user}}]}]"),
            true);
    assertThat(proxy.get("/", Map.of("x-user", "alice")).statusCode()).isEqualTo(200);
    assertLimited(proxy.get("/", Map.of("x-user", "alice")));
    assertThat(proxy.get("/", Map.of("x-user", "bob")).statusCode()).isEqualTo(200);
    assertLimited(proxy.get("/", Map.of("x-user", "bob")));
    for (int i = 0; i < 3; i++) {
      assertThat(proxy.get("/").statusCode()).isEqualTo(200); // no header: the route's bucket
    }
  }

  @Test
  void eachClientAddressHasABucketOfItsOwn() throws Exception {
    // behind a trusted proxy (use_remote_address false) the client is the x-forwarded-for entry
    FilterProxy proxy =
        proxy(
            limitedRoute(
                "/",
                PER_USER.replace("x-user", "remote_address"),
                "rate_limits: [{actions: [{remote_address: {}}]}]"),
            false);
    Map<String, String> one = Map.of("x-forwarded-for", "203.0.113.1");
    Map<String, String> two = Map.of("x-forwarded-for", "203.0.113.2");
    assertThat(proxy.get("/", one).statusCode()).isEqualTo(200);
    assertLimited(proxy.get("/", one));
    assertThat(proxy.get("/", two).statusCode()).isEqualTo(200);
    assertLimited(proxy.get("/", two));
  }

  @Test
  void theFiltersOwnBucketLimitsEveryRouteWithoutOne() throws Exception {
    String filter =
        """
        - name: envoy.filters.http.local_ratelimit
          typed_config:
            "@type": %s
            stat_prefix: everything
            token_bucket: {max_tokens: 1, tokens_per_fill: 1, fill_interval: 3600s}
            filter_enabled: {default_value: {numerator: 100}}
            filter_enforced: {default_value: {numerator: 100}}
        """
            .formatted(LOCAL_RATE_LIMIT_TYPE);
    String routes =
        "- match: {prefix: /a}\n  route: {cluster: app}\n- match: {prefix: /b}\n  route: {cluster: app}\n";
    FilterProxy proxy = fixture.open(new FilterProxy(dir, filter, routes, fixture.app().port()));
    assertThat(proxy.get("/a").statusCode()).isEqualTo(200);
    assertLimited(proxy.get("/b")); // one bucket for the connection manager
    assertThat(proxy.counter("envoy_http_local_rate_limit_enforced", "everything")).isEqualTo(1);
  }

  @Test
  void anUnchangedRateLimitKeepsItsBucketAcrossConfigurationVersions() throws Exception {
    FilterProxy proxy =
        proxy(
            limitedRoute(
                "/", "token_bucket: {max_tokens: 1, tokens_per_fill: 1, fill_interval: 3600s}", ""),
            true);
    assertThat(proxy.get("/").statusCode()).isEqualTo(200);
    assertLimited(proxy.get("/"));
    proxy.reapply(); // e.g. a cluster changed: the routes are compiled again
    assertLimited(proxy.get("/"));
  }
}
