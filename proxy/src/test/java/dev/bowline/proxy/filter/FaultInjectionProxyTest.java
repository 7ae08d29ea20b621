package dev.bowline.proxy.filter;

import static dev.bowline.proxy.filter.FilterProxy.FAULT_TYPE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Envoy's fault filter through a running proxy, over real sockets: HTTP/1.1 (the JDK's client) and
 * HTTP/2 (h2c) clients, a real upstream, the proxy made from a bootstrap.
 */
class FaultInjectionProxyTest {

  private static final String FAULT_FILTER =
      """
      - name: envoy.filters.http.fault
        typed_config: {"@type": %s}
      """
          .formatted(FAULT_TYPE);

  @TempDir Path dir;
  @RegisterExtension final FilterProxyFixture fixture = new FilterProxyFixture();

  /** A route for {@code prefix} to {@code app} with this per-route HTTPFault (YAML fields). */
  private static String faultRoute(String prefix, String fault, String timeout) {
    return """
        - match: {prefix: "%s"}
          route: {cluster: app, timeout: %s}
          typed_per_filter_config:
            envoy.filters.http.fault:
              "@type": %s
        %s
        """
        .formatted(prefix, timeout, FAULT_TYPE, fault.isBlank() ? "" : fault.indent(6).stripTrailing());
  }

  private FilterProxy proxy(String routes) throws Exception {
    return fixture.open(new FilterProxy(dir, FAULT_FILTER, routes, fixture.app().port()));
  }

  private static List<String> awaitLog(FilterProxy proxy, int lines) {
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.accessLogLines().size() >= lines);
    return proxy.accessLogLines();
  }

  @Test
  void aFullAbortAnswersItsStatusAndSaysWhyOverHttp1AndHttp2() throws Exception {
    FilterProxy proxy =
        proxy(faultRoute("/", "abort: {http_status: 503, percentage: {numerator: 100}}", "10s"));

    HttpResponse<String> r = proxy.get("/one");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).isEqualTo("fault filter abort");
    assertThat(r.headers().firstValue("x-bowline-response-flags")).contains("FI");

    H2cClient h2 = fixture.open(new H2cClient(proxy.port()));
    H2cClient.Response h = h2.get("/two", Map.of());
    assertThat(h.status()).isEqualTo(503);
    assertThat(h.body()).isEqualTo("fault filter abort");
    assertThat(h.header("x-bowline-response-flags")).isEqualTo("FI");

    assertThat(fixture.app().seen).isEmpty();
    assertThat(awaitLog(proxy, 2)).containsExactly("/one 503 FI", "/two 503 FI");
    assertThat(proxy.counter("bowline_http_local_replies_total", "response_flags=\"FI\"")).isEqualTo(2);
    assertThat(proxy.counter("envoy_http_fault_aborts_injected", "ingress_http")).isEqualTo(2);
  }

  @Test
  void aDelayHoldsTheRequestBeforeItGoesUpstreamOverHttp1AndHttp2() throws Exception {
    FilterProxy proxy =
        proxy(
            faultRoute(
                "/",
                "delay: {fixed_delay: 0.2s, percentage: {numerator: 100, denominator: HUNDRED}}",
                "10s"));

    long start = System.nanoTime();
    HttpResponse<String> r = proxy.get("/slow");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("hello GET");
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    // forwarded, not a local reply: no flags header, but DI in the access log
    assertThat(r.headers().firstValue("x-bowline-response-flags")).isEmpty();

    H2cClient h2 = fixture.open(new H2cClient(proxy.port()));
    start = System.nanoTime();
    H2cClient.Response h = h2.get("/slow2", Map.of());
    took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(h.status()).isEqualTo(200);
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(200));

    assertThat(fixture.app().seen).hasSize(2);
    assertThat(awaitLog(proxy, 2)).containsExactly("/slow 200 DI", "/slow2 200 DI");
    assertThat(proxy.counter("envoy_http_fault_delays_injected", "ingress_http")).isEqualTo(2);
  }

  @Test
  void theRouteTimeoutDoesNotCountTheInjectedDelay() throws Exception {
    FilterProxy proxy =
        proxy(faultRoute("/", "delay: {fixed_delay: 0.4s, percentage: {numerator: 100}}", "0.2s"));
    HttpResponse<String> r = proxy.get("/x");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(awaitLog(proxy, 1)).containsExactly("/x 200 DI");
  }

  @Test
  void aDelayedRequestsBodyWaitsAndArrivesWhole() throws Exception {
    FilterProxy proxy =
        proxy(faultRoute("/", "delay: {fixed_delay: 0.2s, percentage: {numerator: 100}}", "10s"));
    String body = "x".repeat(200_000);
    HttpResponse<String> r = proxy.send("POST", "/upload", Map.of(), body);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(fixture.app().seen)
        .singleElement()
        .satisfies(s -> assertThat(s.body()).isEqualTo(body));

    H2cClient h2 = fixture.open(new H2cClient(proxy.port()));
    H2cClient.Response h =
        h2.send(io.netty.handler.codec.http.HttpMethod.POST, "/upload2", Map.of(), "h2 body");
    assertThat(h.status()).isEqualTo(200);
    assertThat(fixture.app().seen.get(1).body()).isEqualTo("h2 body");
  }

  @Test
  void aDelayThenAnAbortIsFlaggedDiAndFi() throws Exception {
    FilterProxy proxy =
        proxy(
            faultRoute(
                "/",
                """
                delay: {fixed_delay: 0.2s, percentage: {numerator: 100}}
                abort: {http_status: 418, percentage: {numerator: 100}}
                """,
                "10s"));
    long start = System.nanoTime();
    HttpResponse<String> r = proxy.get("/both");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    assertThat(r.statusCode()).isEqualTo(418);
    assertThat(r.headers().firstValue("x-bowline-response-flags")).contains("DI,FI");
    assertThat(awaitLog(proxy, 1)).containsExactly("/both 418 DI,FI");
    assertThat(proxy.counter("bowline_http_local_replies_total", "response_flags=\"DI,FI\"")).isEqualTo(1);
  }

  @Test
  void zeroPercentNeverFaults() throws Exception {
    FilterProxy proxy =
        proxy(
            faultRoute(
                "/",
                """
                delay: {fixed_delay: 5s, percentage: {numerator: 0, denominator: HUNDRED}}
                abort: {http_status: 500, percentage: {numerator: 0, denominator: MILLION}}
                """,
                "10s"));
    for (int i = 0; i < 20; i++) {
      assertThat(proxy.get("/n" + i).statusCode()).isEqualTo(200);
    }
    assertThat(fixture.app().seen).hasSize(20);
    assertThat(proxy.counter("envoy_http_fault_delays_injected", "ingress_http")).isZero();
  }

  @Test
  void theFiltersOwnFaultAppliesUnlessTheRouteReplacesIt() throws Exception {
    String filter =
        """
        - name: envoy.filters.http.fault
          typed_config:
            "@type": %s
            abort: {http_status: 500, percentage: {numerator: 100}}
        """
            .formatted(FAULT_TYPE);
    String routes =
        faultRoute("/teapot", "abort: {http_status: 418, percentage: {numerator: 100}}", "10s")
            + faultRoute("/none", "", "10s")
            + "- match: {prefix: /}\n  route: {cluster: app}\n";
    FilterProxy proxy = fixture.open(new FilterProxy(dir, filter, routes, fixture.app().port()));
    assertThat(proxy.get("/other").statusCode()).isEqualTo(500);
    assertThat(proxy.get("/teapot").statusCode()).isEqualTo(418);
    assertThat(proxy.get("/none").statusCode()).isEqualTo(200); // the route's empty fault replaces
  }

  @Test
  void headersSelectTheRequestsThatAreFaulted() throws Exception {
    FilterProxy proxy =
        proxy(
            faultRoute(
                "/",
                """
                abort: {http_status: 503, percentage: {numerator: 100}}
                headers: [{name: x-chaos, string_match: {exact: "on"}}]
                """,
                "10s"));
    assertThat(proxy.get("/a").statusCode()).isEqualTo(200);
    assertThat(proxy.get("/b", Map.of("x-chaos", "on")).statusCode()).isEqualTo(503);
  }

  @Test
  void aRoutesFaultNeedsTheFilterInTheConnectionManager() throws Exception {
    FilterProxy proxy =
        fixture.open(
            new FilterProxy(
                dir,
                "",
                faultRoute("/", "abort: {http_status: 503, percentage: {numerator: 100}}", "10s"),
                fixture.app().port()));
    assertThat(proxy.get("/").statusCode()).isEqualTo(200); // as Envoy: no filter, no fault
  }

  @Test
  void aDirectResponseRouteIsFaultedToo() throws Exception {
    FilterProxy proxy =
        proxy(
            """
            - match: {prefix: /}
              direct_response: {status: 200, body: {inline_string: fine}}
              typed_per_filter_config:
                envoy.filters.http.fault:
                  "@type": %s
                  abort: {http_status: 502, percentage: {numerator: 100}}
            """
                .formatted(FAULT_TYPE));
    HttpResponse<String> r = proxy.get("/");
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.headers().firstValue("x-bowline-response-flags")).contains("FI");
  }
}
