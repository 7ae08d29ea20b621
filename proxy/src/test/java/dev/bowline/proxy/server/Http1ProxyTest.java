package dev.bowline.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.http.Http1TestClient;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP/1.1 through the proxy, over real sockets, with real servers and the JDK's HTTP client. */
class Http1ProxyTest {

  private static final String ROUTES =
      """
      name: local
      virtual_hosts:
      - name: backend
        domains: ["*"]
        routes:
        - match: {prefix: "/direct"}
          direct_response: {status: 200, body: {inline_string: "hello from the proxy"}}
        - match: {prefix: "/old/"}
          redirect: {path_redirect: "/new/place", response_code: FOUND}
        - match: {prefix: "/api/"}
          route: {cluster: app, prefix_rewrite: "/echo/", host_rewrite_literal: "app.internal"}
        - match: {prefix: "/slow/"}
          route: {cluster: app, timeout: 0.3s, prefix_rewrite: "/delay/"}
        - match: {prefix: "/nowhere"}
          route: {cluster: dead}
        - match: {prefix: "/empty"}
          route: {cluster: empty}
        - match: {prefix: "/ghost"}
          route: {cluster: ghost}
        - match: {prefix: "/"}
          route: {cluster: app}
      """;

  private TestUpstream app;
  private ProxyServer proxy;
  private int port;
  private int deadPort;
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void start() throws Exception {
    app = new TestUpstream("app");
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    proxy = new ProxyServer(2, BuiltinLoadBalancers.newRegistry(), f -> null, new MetricRegistry());
    proxy.apply(
        TestConfigs.proxy(
            TestConfigs.listener("ingress", TestConfigs.http(TestConfigs.routes(ROUTES))),
            TestConfigs.cluster("app", app.port()),
            TestConfigs.cluster("dead", deadPort),
            TestConfigs.cluster("empty")));
    port = proxy.listenerAddress("ingress").orElseThrow().getPort();
  }

  @AfterEach
  void stop() {
    proxy.close();
    app.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void forwardsARequestWithTheHeadersAProxyAdds() throws Exception {
    HttpResponse<String> r = get("/hello?x=1");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).startsWith("server app\nGET /hello?x=1\n");
    assertThat(r.headers().firstValue("x-upstream")).contains("app");
    assertThat(r.headers().firstValue("x-envoy-upstream-service-time")).isPresent();
    TestUpstream.Seen seen = app.seen.get(0);
    assertThat(seen.header("x-forwarded-proto")).isEqualTo("http");
    assertThat(seen.header("x-forwarded-for")).isEqualTo("127.0.0.1");
    assertThat(seen.header("x-request-id")).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(seen.header("x-envoy-expected-rq-timeout-ms")).isEqualTo("15000");
    assertThat(seen.header("host")).isEqualTo("127.0.0.1:" + port);
  }

  @Test
  void keepsAClientsRequestIdAndRewritesPathAndHost() throws Exception {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/items/7"))
                .header("x-request-id", "abc-123")
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(r.body()).contains("GET /echo/items/7");
    TestUpstream.Seen seen = app.seen.get(0);
    assertThat(seen.header("x-request-id")).isEqualTo("abc-123");
    assertThat(seen.header("host")).isEqualTo("app.internal");
  }

  @Test
  void streamsRequestAndResponseBodiesBothWays() throws Exception {
    byte[] big = new byte[3 * 1024 * 1024];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    HttpResponse<byte[]> r =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(big))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    byte[] head = "server app\nPOST /upload\n".getBytes(StandardCharsets.UTF_8);
    assertThat(r.body()).hasSize(head.length + big.length);
    assertThat(java.util.Arrays.copyOfRange(r.body(), head.length, r.body().length)).isEqualTo(big);

    HttpResponse<byte[]> download = client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/bytes/5000000")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(download.body()).hasSize(5_000_000);
    assertThat(download.body()[4_999_999]).isEqualTo((byte) ('a' + 4_999_999 % 26));
  }

  @Test
  void reusesUpstreamConnectionsAcrossKeepAliveRequests() throws Exception {
    for (int i = 0; i < 20; i++) {
      assertThat(get("/n/" + i).statusCode()).isEqualTo(200);
    }
    assertThat(app.requests.get()).isEqualTo(20);
    assertThat(app.connections).hasSizeLessThanOrEqualTo(2);
  }

  @Test
  void answersPipelinedRequestsInOrder() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET /first HTTP/1.1\r\nHost: a\r\n\r\n"
                  + "GET /direct HTTP/1.1\r\nHost: a\r\n\r\n"
                  + "GET /third HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      int first = all.indexOf("GET /first");
      int second = all.indexOf("hello from the proxy");
      int third = all.indexOf("GET /third");
      assertThat(first).isPositive();
      assertThat(second).isGreaterThan(first);
      assertThat(third).isGreaterThan(second);
    }
  }

  @Test
  void localRepliesCarryEnvoysStatusCodes() throws Exception {
    assertThat(get("/direct").body()).isEqualTo("hello from the proxy");
    HttpResponse<String> redirect = get("/old/x");
    assertThat(redirect.statusCode()).isEqualTo(302);
    assertThat(redirect.headers().firstValue("location")).hasValueSatisfying(l -> assertThat(l).endsWith("/new/place"));

    HttpResponse<String> noHost = get("/empty");
    assertThat(noHost.statusCode()).isEqualTo(503);
    assertThat(noHost.body()).isEqualTo("no healthy upstream");

    HttpResponse<String> refused = get("/nowhere");
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.body()).startsWith("upstream connect error or disconnect/reset before headers. reset reason: connection failure");

    assertThat(get("/ghost").statusCode()).isEqualTo(503);

    HttpResponse<String> timeout = get("/slow/2000");
    assertThat(timeout.statusCode()).isEqualTo(504);
    assertThat(timeout.body()).isEqualTo("upstream request timeout");

    assertThat(proxy.metrics().renderPrometheus())
        .contains("envoy_cluster_upstream_rq_timeout{envoy_cluster_name=\"app\"} 1")
        .contains("envoy_cluster_upstream_cx_connect_fail{envoy_cluster_name=\"dead\"} 1")
        .contains("envoy_cluster_upstream_cx_none_healthy{envoy_cluster_name=\"empty\"} 1");
  }

  @Test
  void aNewConfigurationAppliesToNewRequestsWhileOldOnesFinish() throws Exception {
    CompletableFuture<HttpResponse<String>> slow =
        client.sendAsync(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/delay/700")).build(),
            HttpResponse.BodyHandlers.ofString());
    org.awaitility.Awaitility.await().until(() -> app.requests.get() == 1);

    TestUpstream other = new TestUpstream("other");
    try {
      proxy.apply(
          TestConfigs.proxy(
              TestConfigs.listener(
                  "ingress",
                  TestConfigs.http(
                      TestConfigs.routes(
                          "virtual_hosts: [{name: all, domains: ['*'], routes: [{match: {prefix: '/'}, route: {cluster: other}}]}]"))),
              TestConfigs.cluster("app", app.port()),
              TestConfigs.cluster("other", other.port())));

      assertThat(proxy.listenerAddress("ingress").orElseThrow().getPort()).isEqualTo(port);
      assertThat(get("/after").headers().firstValue("x-upstream")).contains("other");
      assertThat(slow.get().statusCode()).isEqualTo(200);
      assertThat(slow.get().body()).isEqualTo("delayed by app");
    } finally {
      other.close();
    }
  }

  @Test
  void aRouteChangeReachesTheNextRequestOfAKeepAliveConnection() throws Exception {
    TestUpstream other = new TestUpstream("other");
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      var out = s.getOutputStream();
      out.write("GET /first HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      assertThat(readResponseHeaders(in)).contains("x-upstream: app");

      proxy.apply(
          TestConfigs.proxy(
              TestConfigs.listener(
                  "ingress",
                  TestConfigs.http(
                      TestConfigs.routes(
                          "virtual_hosts: [{name: all, domains: ['*'], routes: [{match: {prefix: '/'}, route: {cluster: other}}]}]"))),
              TestConfigs.cluster("app", app.port()),
              TestConfigs.cluster("other", other.port())));

      out.write("GET /second HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      assertThat(readResponseHeaders(in)).as("same connection, new routes").contains("x-upstream: other");
    } finally {
      other.close();
    }
  }

  /** Reads one response's head and skips its Content-Length body; returns the head, lower-cased. */
  private static String readResponseHeaders(java.io.BufferedReader in) throws IOException {
    StringBuilder head = new StringBuilder();
    int length = 0;
    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
      String lower = line.toLowerCase(java.util.Locale.ROOT);
      head.append(lower).append('\n');
      if (lower.startsWith("content-length:")) {
        length = Integer.parseInt(lower.substring(15).trim());
      }
    }
    for (int i = 0; i < length; i++) {
      in.read();
    }
    return head.toString();
  }

  @Test
  void aBadConfigurationChangesNothing() throws Exception {
    var bad =
        TestConfigs.proxy(
            TestConfigs.listener(
                "ingress",
                TestConfigs.http(
                    TestConfigs.routes(
                        "virtual_hosts: [{name: all, domains: ['*'], routes: [{match: {safe_regex: {regex: '('}}, route: {cluster: app}}]}]"))),
            TestConfigs.cluster("app", app.port()));

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> proxy.apply(bad))
        .isInstanceOf(dev.bowline.proxy.config.ConfigException.class)
        .hasMessageContaining("safe_regex");
    assertThat(get("/still-works").statusCode()).isEqualTo(200);
  }

  @Test
  void http10ClientsGetCloseDelimitedResponses() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("GET /ten HTTP/1.0\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String all = new String(readAll(s.getInputStream()), StandardCharsets.US_ASCII);
      assertThat(all).startsWith("HTTP/1.1 200 OK").contains("GET /ten");
    }
  }

  @Test
  void aShorterRouteTimeoutOnAKeepAliveConnectionStillFiresInTime() throws Exception {
    // The first request's 15 s route timeout is still pending on the connection's timer when the
    // second asks for 0.3 s: the 504 must come from the second's timeout, not after the upstream's 2 s.
    try (Http1TestClient client = new Http1TestClient(port)) {
      Http1TestClient.Response first = client.get("a", "/first");
      assertThat(first.status()).isEqualTo(200);
      assertThat(first.bodyText()).contains("GET /first");

      Http1TestClient.Response second = client.get("a", "/slow/2000");
      assertThat(second.status()).isEqualTo(504);
      assertThat(second.bodyText()).contains("upstream request timeout");
    }
  }

  @Test
  void aClientThatShutsDownItsSideGetsEveryAnswerThenTheClose() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET /delay/200 HTTP/1.1\r\nHost: a\r\n\r\n" + "GET /after HTTP/1.1\r\nHost: a\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      s.shutdownOutput();
      // readAll returns only once the proxy closes the connection.
      String all = new String(readAll(s.getInputStream()), StandardCharsets.US_ASCII);
      assertThat(all).contains("delayed by app");
      assertThat(all.indexOf("GET /after")).isGreaterThan(all.indexOf("delayed by app"));
    }
  }

  @Test
  void aRequestBodyCutShortByTheClientsShutdownIsAbortedNotForwarded() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(
          "POST /cut HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nonly-ten-b".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      s.shutdownOutput();
      String all = new String(readAll(s.getInputStream()), StandardCharsets.US_ASCII);
      assertThat(all).doesNotStartWith("HTTP/1.1 2");
    }
    assertThat(get("/still-serving").statusCode()).isEqualTo(200);
    assertThat(app.seen).noneMatch(seen -> seen.path().equals("/cut"));
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toByteArray();
  }

}
