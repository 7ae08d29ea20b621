package dev.bowline.proxy.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.config.ClusterConfig.UpstreamProtocol;
import dev.bowline.proxy.config.HttpConnectionManagerConfig.CodecType;
import dev.bowline.proxy.config.ProxyConfig;
import dev.bowline.proxy.server.ProxyServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * curl through the proxy with {@code --http1.1}, {@code --http2-prior-knowledge} (h2c) and {@code
 * --http2} over TLS (ALPN), to an HTTP/1.1 upstream and to an h2c upstream: every direction of
 * translation, trailers, large bodies and the path rules of HTTP/2 streams.
 */
class Http2TranslationTest {

  private static final String ROUTES =
      """
      virtual_hosts:
      - name: all
        domains: ["*"]
        routes:
        - match: {prefix: "/h2/"}
          route: {cluster: h2c, prefix_rewrite: "/"}
        - match: {prefix: "/direct"}
          direct_response: {status: 200, body: {inline_string: "direct answer"}}
        - match: {prefix: "/"}
          route: {cluster: app}
      """;

  @TempDir static Path dir;
  private static H2Pki pki;
  private static Http1Backend app;
  private static H2cBackend h2c;
  private static ProxyServer proxy;
  private static String plain;
  private static String tls;

  @BeforeAll
  static void start() throws Exception {
    pki = H2Pki.create(dir);
    app = new Http1Backend();
    h2c = new H2cBackend();
    proxy = H2Configs.newProxy();
    var routes = H2Configs.routes(ROUTES);
    proxy.apply(
        new ProxyConfig(
            Optional.empty(),
            List.of(
                H2Configs.listener("plain", H2Configs.http(routes, CodecType.AUTO), Optional.empty()),
                H2Configs.listener(
                    "tls", H2Configs.http(routes, CodecType.AUTO), Optional.of(H2Configs.serverTls(pki)))),
            List.of(
                H2Configs.cluster("app", UpstreamProtocol.HTTP1, app.port()),
                H2Configs.cluster("h2c", UpstreamProtocol.HTTP2, h2c.port()))));
    plain = "http://127.0.0.1:" + proxy.listenerAddress("plain").orElseThrow().getPort();
    tls = "https://localhost:" + proxy.listenerAddress("tls").orElseThrow().getPort();
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (app != null) {
      app.close();
    }
    if (h2c != null) {
      h2c.close();
    }
  }

  private static Curl.Result curl(String url, String... args) throws Exception {
    Curl.Result r = Curl.run(dir, url, args);
    assertThat(r.exitCode()).as("curl exit code; stderr: %s", r.stderr()).isZero();
    return r;
  }

  private static Http1Backend.Seen lastSeenByApp(String path) {
    return app.seen.stream().filter(s -> s.path().equals(path)).reduce((a, b) -> b).orElseThrow();
  }

  @Test
  void h2cWithPriorKnowledgeIsTranslatedToAnHttp1Upstream() throws Exception {
    Curl.Result r = curl(plain + "/hello?x=1", "--http2-prior-knowledge", "-H", "x-custom: one");

    assertThat(r.httpVersion()).isEqualTo("2");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("GET /hello?x=1\n");
    assertThat(r.headers()).contains("x-upstream: http1").contains("x-envoy-upstream-service-time");
    Http1Backend.Seen seen = lastSeenByApp("/hello?x=1");
    assertThat(seen.header("host")).isEqualTo("127.0.0.1:" + proxy.listenerAddress("plain").orElseThrow().getPort());
    assertThat(seen.header("x-custom")).isEqualTo("one");
    assertThat(seen.header("x-forwarded-proto")).isEqualTo("http");
    assertThat(seen.header("x-request-id")).isNotBlank();
    assertThat(seen.hasHeaderStartingWith("x-http2-")).as("x-http2-* headers forwarded").isFalse();
  }

  @Test
  void http11StillWorksOnAnAutoListener() throws Exception {
    Curl.Result r = curl(plain + "/one-one", "--http1.1");

    assertThat(r.httpVersion()).isEqualTo("1.1");
    assertThat(r.text()).isEqualTo("GET /one-one\n");
  }

  @Test
  void h2OverTlsIsChosenByAlpnAndHttp11TooOnTheSameListener() throws Exception {
    Curl.Result h2 = curl(tls + "/secure", "--http2", "--cacert", pki.caCert.toString());
    assertThat(h2.httpVersion()).isEqualTo("2");
    assertThat(h2.text()).isEqualTo("GET /secure\n");
    assertThat(lastSeenByApp("/secure").header("x-forwarded-proto")).isEqualTo("https");

    Curl.Result h1 = curl(tls + "/secure-h1", "--http1.1", "--cacert", pki.caCert.toString());
    assertThat(h1.httpVersion()).isEqualTo("1.1");
    assertThat(h1.text()).isEqualTo("GET /secure-h1\n");
  }

  @Test
  void directResponsesAndNoRouteAnswersGoOutOnTheStream() throws Exception {
    Curl.Result r = curl(plain + "/direct", "--http2-prior-knowledge");
    assertThat(r.httpVersion()).isEqualTo("2");
    assertThat(r.text()).isEqualTo("direct answer");
  }

  @Test
  void http11ClientReachesAnH2cUpstream() throws Exception {
    Curl.Result r = curl(plain + "/h2/echo?q=2", "--http1.1", "--data-binary", "payload");

    assertThat(r.httpVersion()).isEqualTo("1.1");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo("h2 POST /echo?q=2\npayload");
    assertThat(r.headers()).contains("x-upstream: h2c").doesNotContain("x-http2-");
    H2cBackend.Seen seen = h2c.seen.stream().filter(s -> s.path().equals("/echo?q=2")).findFirst().orElseThrow();
    assertThat(seen.headers()).containsEntry("x-http2-scheme", "http");
    assertThat(seen.headers().get("host")).startsWith("127.0.0.1:");
    assertThat(seen.headers()).containsKey("x-forwarded-for").doesNotContainKey("connection");
  }

  @Test
  void trailersFromAnH2UpstreamReachBothKindsOfClient() throws Exception {
    Curl.Result h2 = curl(plain + "/h2/trailers", "--http2-prior-knowledge");
    assertThat(h2.text()).isEqualTo("body before trailers\n");
    assertThat(h2.headers()).contains("x-checksum: 42").contains("x-done: yes");

    // HTTP/1.1 has no length for it: the response is chunked, with the trailers in the last chunk.
    Curl.Result h1 = curl(plain + "/h2/trailers", "--http1.1", "-H", "TE: trailers");
    assertThat(h1.text()).isEqualTo("body before trailers\n");
    assertThat(h1.headers()).containsIgnoringCase("transfer-encoding: chunked").contains("x-checksum: 42");
  }

  @Test
  void largeBodiesStayIntactInEveryDirection() throws Exception {
    byte[] upload = new byte[3 * 1024 * 1024];
    for (int i = 0; i < upload.length; i++) {
      upload[i] = (byte) (i * 31 + (i >> 12));
    }
    Path file = dir.resolve("upload.bin");
    Files.write(file, upload);

    // h2 client, HTTP/1.1 upstream: upload and download.
    Curl.Result up = curl(plain + "/upload", "--http2-prior-knowledge", "--data-binary", "@" + file);
    assertThat(up.httpVersion()).isEqualTo("2");
    assertBodyIsEcho(up.body(), "POST /upload\n", upload);
    Curl.Result down = curl(plain + "/bytes/5000000", "--http2-prior-knowledge");
    assertThat(down.body()).isEqualTo(Http1Backend.pattern(5_000_000));

    // h2 client, chunked HTTP/1.1 response (no length).
    Curl.Result chunked = curl(plain + "/chunked/3000000", "--http2-prior-knowledge");
    assertThat(chunked.body()).isEqualTo(Http1Backend.pattern(3_000_000));

    // HTTP/1.1 client, h2 upstream: upload and download.
    Curl.Result up2 = curl(plain + "/h2/upload", "--http1.1", "--data-binary", "@" + file);
    assertBodyIsEcho(up2.body(), "h2 POST /upload\n", upload);
    Curl.Result down2 = curl(plain + "/h2/bytes/5000000", "--http1.1");
    assertThat(down2.body()).isEqualTo(Http1Backend.pattern(5_000_000));

    // h2 over TLS both ways to an h2 upstream.
    Curl.Result up3 =
        curl(tls + "/h2/upload", "--http2", "--cacert", pki.caCert.toString(), "--data-binary", "@" + file);
    assertThat(up3.httpVersion()).isEqualTo("2");
    assertBodyIsEcho(up3.body(), "h2 POST /upload\n", upload);
  }

  @Test
  void aChunkedHttp11UploadIsReframedForTheUpstream() throws Exception {
    Path file = dir.resolve("chunked.txt");
    Files.writeString(file, "x".repeat(100_000));
    Curl.Result r =
        curl(plain + "/chunked-upload", "--http1.1", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file);

    assertThat(r.status()).isEqualTo(200);
    assertThat(lastSeenByApp("/chunked-upload").body()).hasSize(100_000);
    Curl.Result h2 = curl(plain + "/h2/chunked-upload", "--http1.1", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file);
    assertThat(h2.text()).hasSize("h2 POST /chunked-upload\n".length() + 100_000);
  }

  @Test
  void expect100ContinueIsAnsweredOnTheStream() throws Exception {
    Path file = dir.resolve("expect.txt");
    Files.writeString(file, "y".repeat(200_000));
    Curl.Result r =
        curl(plain + "/expect", "--http2-prior-knowledge", "-H", "Expect: 100-continue", "--data-binary", "@" + file);

    assertThat(r.httpVersion()).isEqualTo("2");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers()).contains("HTTP/2 100");
    assertThat(lastSeenByApp("/expect").body()).hasSize(200_000);
    assertThat(lastSeenByApp("/expect").header("expect")).isNull();
  }

  @Test
  void h2StreamsGetPathNormalization() throws Exception {
    Curl.Result normalized = curl(plain + "/a/./b/../c//d", "--http2-prior-knowledge", "--path-as-is");
    assertThat(normalized.text()).isEqualTo("GET /a/c/d\n");

    Curl.Result rejected = curl(plain + "/a%2Fb", "--http2-prior-knowledge", "--path-as-is");
    assertThat(rejected.httpVersion()).isEqualTo("2");
    assertThat(rejected.status()).isEqualTo(400);
    assertThat(app.seen).noneMatch(s -> s.path().contains("%2F"));
    assertThat(proxy.metrics().renderPrometheus())
        .contains("envoy_http_downstream_rq_rejected{envoy_http_conn_manager_prefix=\"ingress_http\"}");
  }

  private static void assertBodyIsEcho(byte[] body, String head, byte[] payload) {
    byte[] h = head.getBytes(StandardCharsets.UTF_8);
    assertThat(body).hasSize(h.length + payload.length);
    assertThat(Arrays.copyOfRange(body, 0, h.length)).isEqualTo(h);
    assertThat(Arrays.equals(Arrays.copyOfRange(body, h.length, body.length), payload))
        .as("payload intact").isTrue();
  }
}
