package dev.bowline.proxy.filter;

import static dev.bowline.proxy.filter.FilterProxy.CORS_POLICY_TYPE;
import static dev.bowline.proxy.filter.FilterProxy.CORS_TYPE;
import static dev.bowline.proxy.filter.FilterProxy.FAULT_TYPE;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Envoy's CORS filter through a running proxy, over real sockets (HTTP/1.1 and h2c). */
class CorsProxyTest {

  private static final String CORS_FILTER =
      """
      - name: envoy.filters.http.cors
        typed_config: {"@type": %s}
      - name: envoy.filters.http.fault
        typed_config: {"@type": %s}
      """
          .formatted(CORS_TYPE, FAULT_TYPE);

  private static final String ORIGIN = "https://app.example.com";

  @TempDir Path dir;
  @RegisterExtension final FilterProxyFixture fixture = new FilterProxyFixture();

  /** A route for {@code prefix} with Istio's CORS policy shape plus {@code extra} fields. */
  private static String corsRoute(String prefix, String extra) {
    return corsRoute(prefix, extra, "");
  }

  /** The same, with more per-route filter configs ({@code otherFilters}, YAML map entries). */
  private static String corsRoute(String prefix, String extra, String otherFilters) {
    return """
        - match: {prefix: "%s"}
          route: {cluster: app}
          typed_per_filter_config:
            envoy.filters.http.cors:
              "@type": %s
              allow_origin_string_match: [{exact: "%s"}, {prefix: "https://dev."}]
              allow_methods: GET,POST,PUT
              allow_headers: authorization,content-type
              expose_headers: x-upstream
              max_age: "86400"
              allow_credentials: true
              filter_enabled: {default_value: {numerator: 100, denominator: HUNDRED}}
        %s
        %s
        """
        .formatted(
            prefix, CORS_POLICY_TYPE, ORIGIN, extra.indent(6).stripTrailing(),
            otherFilters.indent(4).stripTrailing());
  }

  private FilterProxy proxy(String routes) throws Exception {
    return fixture.open(new FilterProxy(dir, CORS_FILTER, routes, fixture.app().port()));
  }

  private static Map<String, String> preflight(String origin) {
    return Map.of(
        "Origin", origin,
        "Access-Control-Request-Method", "PUT",
        "Access-Control-Request-Headers", "authorization");
  }

  @Test
  void aPreflightFromAnAllowedOriginIsAnsweredByTheProxy() throws Exception {
    FilterProxy proxy = proxy(corsRoute("/", ""));

    HttpResponse<String> r = proxy.send("OPTIONS", "/api", preflight(ORIGIN), null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("access-control-allow-origin")).contains(ORIGIN);
    assertThat(r.headers().firstValue("access-control-allow-methods")).contains("GET,POST,PUT");
    assertThat(r.headers().firstValue("access-control-allow-headers")).contains("authorization,content-type");
    assertThat(r.headers().firstValue("access-control-max-age")).contains("86400");
    assertThat(r.headers().firstValue("access-control-allow-credentials")).contains("true");
    assertThat(r.headers().firstValue("x-bowline-response-flags")).isEmpty();

    H2cClient h2 = fixture.open(new H2cClient(proxy.port()));
    H2cClient.Response h =
        h2.send(io.netty.handler.codec.http.HttpMethod.OPTIONS, "/api",
            Map.of("origin", "https://dev.example.com", "access-control-request-method", "POST"),
            null);
    assertThat(h.status()).isEqualTo(200);
    assertThat(h.header("access-control-allow-origin")).isEqualTo("https://dev.example.com");

    assertThat(fixture.app().seen).isEmpty();
    assertThat(proxy.counter("envoy_http_cors_origin_valid", "ingress_http")).isEqualTo(2);
    assertThat(proxy.counter("bowline_http_local_replies_total", "response_flags=\"-\"")).isEqualTo(2);
  }

  @Test
  void anAllowedRequestsResponseCarriesTheCorsHeaders() throws Exception {
    FilterProxy proxy = proxy(corsRoute("/", ""));

    HttpResponse<String> r = proxy.get("/api", Map.of("Origin", ORIGIN));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("hello GET");
    assertThat(r.headers().firstValue("access-control-allow-origin")).contains(ORIGIN);
    assertThat(r.headers().firstValue("access-control-allow-credentials")).contains("true");
    assertThat(r.headers().firstValue("access-control-expose-headers")).contains("x-upstream");
    assertThat(r.headers().firstValue("access-control-allow-methods")).isEmpty();

    H2cClient h2 = fixture.open(new H2cClient(proxy.port()));
    H2cClient.Response h = h2.get("/api", Map.of("origin", ORIGIN));
    assertThat(h.header("access-control-allow-origin")).isEqualTo(ORIGIN);
    assertThat(h.body()).isEqualTo("hello GET");
  }

  @Test
  void otherOriginsAndRequestsWithoutOriginGetNoCorsHeaders() throws Exception {
    FilterProxy proxy = proxy(corsRoute("/", ""));

    HttpResponse<String> other = proxy.get("/api", Map.of("Origin", "https://evil.example"));
    assertThat(other.statusCode()).isEqualTo(200);
    assertThat(other.headers().firstValue("access-control-allow-origin")).isEmpty();
    HttpResponse<String> none = proxy.get("/api");
    assertThat(none.headers().firstValue("access-control-allow-origin")).isEmpty();
    assertThat(proxy.counter("envoy_http_cors_origin_invalid", "ingress_http")).isEqualTo(1);

    // a preflight from an origin not allowed goes to the upstream (Envoy's default)
    HttpResponse<String> forwarded =
        proxy.send("OPTIONS", "/api", preflight("https://evil.example"), null);
    assertThat(forwarded.body()).isEqualTo("hello OPTIONS");
    assertThat(forwarded.headers().firstValue("access-control-allow-origin")).isEmpty();
    assertThat(fixture.app().seen)
        .extracting(HelloUpstream.Seen::method)
        .containsExactly("GET", "GET", "OPTIONS");
  }

  @Test
  void aPreflightNotAllowedIsAnsweredWithoutCorsHeadersWhenNotForwarded() throws Exception {
    FilterProxy proxy = proxy(corsRoute("/", "forward_not_matching_preflights: false"));

    HttpResponse<String> r = proxy.send("OPTIONS", "/api", preflight("https://evil.example"), null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
    assertThat(r.headers().map().keySet()).noneMatch(k -> k.startsWith("access-control-"));
    assertThat(fixture.app().seen).isEmpty();
  }

  @Test
  void aLocalReplyToAnAllowedOriginCarriesTheCorsHeadersToo() throws Exception {
    FilterProxy proxy =
        proxy(
            corsRoute(
                "/",
                "",
                """
                envoy.filters.http.fault:
                  "@type": %s
                  abort: {http_status: 503, percentage: {numerator: 100}}
                """
                    .formatted(FAULT_TYPE)));
    HttpResponse<String> r = proxy.get("/api", Map.of("Origin", ORIGIN));
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("x-bowline-response-flags")).contains("FI");
    assertThat(r.headers().firstValue("access-control-allow-origin")).contains(ORIGIN);
  }
}
