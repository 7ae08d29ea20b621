package dev.bowline.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bowline.proxy.config.ClusterConfig;
import dev.bowline.proxy.http.RawUpstream.Act;
import dev.bowline.proxy.http.ScriptedUpstream.Step;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retries through the proxy over real sockets: an HTTP/1.1 client, the proxy, and upstreams that
 * fail on purpose (the JDK's HTTP server following a script, or a raw socket server).
 */
class RetryProxyTest {

  @TempDir Path dir;

  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final List<CountDownLatch> gates = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    gates.forEach(CountDownLatch::countDown);
    while (!resources.isEmpty()) {
      resources.pop().close();
    }
  }

  /** A gate a scripted upstream waits on; opened at the latest when the test ends. */
  private CountDownLatch gate() {
    CountDownLatch gate = new CountDownLatch(1);
    gates.add(gate);
    return gate;
  }

  private <T extends AutoCloseable> T open(T resource) {
    resources.push(resource);
    return resource;
  }

  private static String route(String retryPolicy) {
    return """
        - match: {prefix: "/"}
          route:
            cluster: app
            timeout: 10s
        """
        + (retryPolicy.isEmpty() ? "" : "    retry_policy: " + retryPolicy + "\n");
  }

  private RetryProxy proxy(String retryPolicy, ClusterConfig... clusters) throws Exception {
    return open(new RetryProxy(dir, route(retryPolicy), clusters));
  }

  private HttpResponse<String> get(RetryProxy proxy, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + path))
            .timeout(Duration.ofSeconds(15))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<byte[]> post(RetryProxy proxy, String path, HttpRequest.BodyPublisher body)
      throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + path))
            .timeout(Duration.ofSeconds(15))
            .POST(body)
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static List<String> awaitLog(RetryProxy proxy, int lines) {
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.accessLogLines().size() >= lines);
    return proxy.accessLogLines();
  }

  private static String host(int port) {
    return "127.0.0.1:" + port;
  }

  @Test
  void a503IsRetriedAndTheClientSeesTheNextAnswer() throws Exception {
    ScriptedUpstream app = open(new ScriptedUpstream(Step.status(503), Step.status(200)));
    RetryProxy proxy = proxy("{retry_on: 5xx, num_retries: 2}", RetryProxy.cluster("app", app.port()));

    HttpResponse<String> r = get(proxy, "/hello");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-try")).contains("2");
    assertThat(app.seen).hasSize(2);
    assertThat(awaitLog(proxy, 1)).containsExactly("/hello 200 - " + host(app.port()));
    assertThat(proxy.clusterCounter("upstream_rq_retry", "app")).isEqualTo(1);
    assertThat(proxy.clusterCounter("upstream_rq_retry_success", "app")).isEqualTo(1);
    assertThat(proxy.clusterCounter("upstream_rq_retry_limit_exceeded", "app")).isZero();
    assertThat(proxy.clusterCounter("upstream_rq_total", "app")).isEqualTo(2);
    assertThat(proxy.server().clusters().get("app").activeRetries()).isZero();
  }

  @Test
  void whenTheRetriesRunOutTheLast503GoesToTheClientFlaggedURX() throws Exception {
    ScriptedUpstream app = open(new ScriptedUpstream(Step.status(503)));
    RetryProxy proxy = proxy("{retry_on: 5xx, num_retries: 2}", RetryProxy.cluster("app", app.port()));

    HttpResponse<String> r = get(proxy, "/always-failing");

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("x-try")).contains("3");
    assertThat(app.seen).hasSize(3);
    assertThat(awaitLog(proxy, 1)).containsExactly("/always-failing 503 URX " + host(app.port()));
    assertThat(proxy.clusterCounter("upstream_rq_retry", "app")).isEqualTo(2);
    assertThat(proxy.clusterCounter("upstream_rq_retry_limit_exceeded", "app")).isEqualTo(1);
    assertThat(proxy.clusterCounter("upstream_rq_retry_success", "app")).isZero();
    assertThat(proxy.server().clusters().get("app").activeRetries()).isZero();
  }

  @Test
  void withoutARetryPolicyNothingIsRetried() throws Exception {
    ScriptedUpstream app = open(new ScriptedUpstream(Step.status(503), Step.status(200)));
    RetryProxy proxy = proxy("", RetryProxy.cluster("app", app.port()));

    assertThat(get(proxy, "/once").statusCode()).isEqualTo(503);
    assertThat(app.seen).hasSize(1);
    assertThat(awaitLog(proxy, 1)).containsExactly("/once 503 - " + host(app.port()));
    assertThat(proxy.clusterCounter("upstream_rq_retry", "app")).isZero();
  }

  @Test
  void aConnectFailureIsRetriedOnAnotherHostNotOnTheSameOne() throws Exception {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort();
    }
    ScriptedUpstream app = open(new ScriptedUpstream(Step.status(200)));
    // Random balancing: without avoiding the host already tried, a retry would land on the dead
    // host half of the time.
    RetryProxy proxy =
        proxy(
            "{retry_on: connect-failure, num_retries: 1,"
                + " retry_host_predicate: [{name: envoy.retry_host_predicates.previous_hosts}]}",
            RetryProxy.cluster(
                "app",
                "bowline.lb.random",
                ClusterConfig.UpstreamProtocol.HTTP1,
                ClusterConfig.CircuitBreakerLimits.DEFAULTS,
                deadPort,
                app.port()));

    for (int i = 0; i < 20; i++) {
      assertThat(get(proxy, "/r" + i).statusCode()).as("request %d", i).isEqualTo(200);
    }

    assertThat(app.seen).hasSize(20);
    assertThat(awaitLog(proxy, 20)).allSatisfy(line -> assertThat(line).endsWith(" 200 - " + host(app.port())));
    long connectFailures = proxy.clusterCounter("upstream_cx_connect_fail", "app");
    assertThat(connectFailures).as("some requests tried the dead host first").isPositive();
    assertThat(proxy.clusterCounter("upstream_rq_retry", "app")).isEqualTo(connectFailures);
  }

  @Test
  void aTryThatHitsItsPerTryTimeoutIsRetried() throws Exception {
    CountDownLatch never = gate();
    ScriptedUpstream app = open(new ScriptedUpstream(Step.okWhenOpened(never), Step.status(200)));
    RetryProxy proxy =
        proxy("{retry_on: 5xx, num_retries: 1, per_try_timeout: 0.5s}", RetryProxy.cluster("app", app.port()));

    HttpResponse<String> r = get(proxy, "/slow-once");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-try")).contains("2");
    assertThat(app.seen.get(0).path()).isEqualTo("/slow-once");
    assertThat(app.seen.get(1).expectedTimeoutMs()).as("the per-try timeout is the one to expect").isEqualTo("500");
    assertThat(proxy.clusterCounter("upstream_rq_per_try_timeout", "app")).isEqualTo(1);
    assertThat(proxy.clusterCounter("upstream_rq_retry", "app")).isEqualTo(1);
    assertThat(awaitLog(proxy, 1)).containsExactly("/slow-once 200 - " + host(app.port()));
  }

  @Test
  void perTryTimeoutsThatUseUpTheRetriesAnswer504FlaggedUTAndURX() throws Exception {
    ScriptedUpstream app = open(new ScriptedUpstream(Step.okWhenOpened(gate())));
    RetryProxy proxy =
        proxy("{retry_on: reset, num_retries: 1, per_try_timeout: 0.2s}", RetryProxy.cluster("app", app.port()));

    HttpResponse<String> r = get(proxy, "/slow");

    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(r.body()).isEqualTo("upstream request timeout");
    assertThat(awaitLog(proxy, 1)).containsExactly("/slow 504 UT,URX " + host(app.port()));
    assertThat(proxy.clusterCounter("upstream_rq_per_try_timeout", "app")).isEqualTo(2);
  }

  @Test
  void aPostBodyIsSentAgainIntactOnRetry() throws Exception {
    ScriptedUpstream app = open(new ScriptedUpstream(Step.status(503), Step.status(200)));
    RetryProxy proxy = proxy("{retry_on: gateway-error, num_retries: 1}", RetryProxy.cluster("app", app.port()));
    byte[] body = new byte[300 * 1024];
    new Random(7).nextBytes(body);

    HttpResponse<byte[]> sized = post(proxy, "/upload", HttpRequest.BodyPublishers.ofByteArray(body));

    assertThat(sized.statusCode()).isEqualTo(200);
    assertThat(sized.body()).isEqualTo(body);
    assertThat(app.seen).hasSize(2);
    assertThat(app.seen.get(0).body()).isEqualTo(body);
    assertThat(app.seen.get(1).body()).isEqualTo(body);
    assertThat(app.seen.get(1).contentLength()).isEqualTo(Integer.toString(body.length));
  }

  @Test
  void aChunkedPostBodyIsSentAgainIntactOnRetry() throws Exception {
    ScriptedUpstream app = open(new ScriptedUpstream(Step.status(503), Step.status(200)));
    RetryProxy proxy = proxy("{retry_on: 5xx, num_retries: 1}", RetryProxy.cluster("app", app.port()));
    byte[] body = new byte[200 * 1024];
    new Random(11).nextBytes(body);

    HttpResponse<byte[]> chunked =
        post(proxy, "/stream", HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));

    assertThat(chunked.statusCode()).isEqualTo(200);
    assertThat(chunked.body()).isEqualTo(body);
    assertThat(app.seen).hasSize(2);
    assertThat(app.seen.get(1).transferEncoding()).isEqualToIgnoringCase("chunked");
    assertThat(app.seen.get(1).body()).isEqualTo(body);
  }

  @Test
  void aBodyLargerThanTheBufferLimitIsForwardedOnceAndNotRetried() throws Exception {
    ScriptedUpstream app = open(new ScriptedUpstream(Step.status(503), Step.status(200)));
    RetryProxy proxy =
        open(new RetryProxy(dir, route("{retry_on: 5xx, num_retries: 2}"), 64 * 1024, RetryProxy.cluster("app", app.port())));
    byte[] body = new byte[256 * 1024];
    new Random(3).nextBytes(body);

    HttpResponse<byte[]> r = post(proxy, "/big", HttpRequest.BodyPublishers.ofByteArray(body));

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(app.seen).hasSize(1);
    assertThat(app.seen.get(0).body()).isEqualTo(body);
    assertThat(awaitLog(proxy, 1)).containsExactly("/big 503 - " + host(app.port()));
    assertThat(proxy.clusterCounter("upstream_rq_retry", "app")).isZero();
    assertThat(proxy.clusterCounter("retry_or_shadow_abandoned", "app")).isEqualTo(1);
  }

  @Test
  void aResetBeforeTheResponseHeadIsRetried() throws Exception {
    RawUpstream app = open(new RawUpstream(Act.CLOSE, Act.OK));
    RetryProxy proxy = proxy("{retry_on: reset, num_retries: 1}", RetryProxy.cluster("app", app.port()));

    HttpResponse<String> r = get(proxy, "/reset-once");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("ok");
    assertThat(app.requests.get()).isEqualTo(2);
    assertThat(awaitLog(proxy, 1)).containsExactly("/reset-once 200 - " + host(app.port()));
  }

  @Test
  void resetsThatUseUpTheRetriesAnswer503FlaggedUCAndURX() throws Exception {
    RawUpstream app = open(new RawUpstream(Act.CLOSE));
    RetryProxy proxy = proxy("{retry_on: reset, num_retries: 1}", RetryProxy.cluster("app", app.port()));

    HttpResponse<String> r = get(proxy, "/reset");

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).startsWith("upstream connect error or disconnect/reset before headers");
    assertThat(app.requests.get()).isEqualTo(2);
    assertThat(awaitLog(proxy, 1)).containsExactly("/reset 503 UC,URX " + host(app.port()));
  }

  @Test
  void aStreamTheHttp2UpstreamRefusesIsRetried() throws Exception {
    RefusingH2Upstream app = open(new RefusingH2Upstream(1));
    RetryProxy proxy =
        proxy(
            "{retry_on: refused-stream, num_retries: 1}",
            RetryProxy.cluster(
                "app",
                "bowline.lb.round_robin",
                ClusterConfig.UpstreamProtocol.HTTP2,
                ClusterConfig.CircuitBreakerLimits.DEFAULTS,
                app.port()));

    HttpResponse<String> r = get(proxy, "/refused-once");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("ok");
    assertThat(app.streams.get()).isEqualTo(2);
    assertThat(proxy.clusterCounter("upstream_rq_retry", "app")).isEqualTo(1);
  }

  @Test
  void aRefusedStreamIsNotRetriedUnderConnectFailure() throws Exception {
    RefusingH2Upstream app = open(new RefusingH2Upstream(1));
    RetryProxy proxy =
        proxy(
            "{retry_on: connect-failure, num_retries: 1}",
            RetryProxy.cluster(
                "app",
                "bowline.lb.round_robin",
                ClusterConfig.UpstreamProtocol.HTTP2,
                ClusterConfig.CircuitBreakerLimits.DEFAULTS,
                app.port()));

    HttpResponse<String> r = get(proxy, "/refused");

    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.body()).contains("REFUSED_STREAM");
    assertThat(app.streams.get()).isEqualTo(1);
    assertThat(awaitLog(proxy, 1)).containsExactly("/refused 503 UC " + host(app.port()));
  }

  @Test
  void nothingIsRetriedOnceTheResponseStartedGoingToTheClient() throws Exception {
    RawUpstream app = open(new RawUpstream(Act.PARTIAL, Act.OK));
    RetryProxy proxy = proxy("{retry_on: '5xx,reset', num_retries: 3}", RetryProxy.cluster("app", app.port()));

    String received;
    try (Socket s = new Socket("127.0.0.1", proxy.port())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("GET /partial HTTP/1.1\r\nhost: app\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      received = readToEnd(s.getInputStream());
    }

    assertThat(received).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\nabc");
    assertThat(awaitLog(proxy, 1)).containsExactly("/partial 200 UC " + host(app.port()));
    assertThat(app.requests.get()).isEqualTo(1);
    assertThat(proxy.clusterCounter("upstream_rq_retry", "app")).isZero();
  }

  @Test
  void theMaxRetriesBreakerRefusesARetryAndFlagsUO() throws Exception {
    ScriptedUpstream app = open(new ScriptedUpstream(Step.status(503), Step.status(200)));
    RetryProxy proxy =
        proxy(
            "{retry_on: 5xx, num_retries: 2}",
            RetryProxy.cluster(
                "app",
                "bowline.lb.round_robin",
                ClusterConfig.UpstreamProtocol.HTTP1,
                new ClusterConfig.CircuitBreakerLimits(1024, 1024, 1024, 0),
                app.port()));

    assertThat(get(proxy, "/no-room").statusCode()).isEqualTo(503);
    assertThat(app.seen).hasSize(1);
    assertThat(awaitLog(proxy, 1)).containsExactly("/no-room 503 UO " + host(app.port()));
    assertThat(proxy.clusterCounter("upstream_rq_retry_overflow", "app")).isEqualTo(1);
    assertThat(proxy.clusterCounter("upstream_rq_retry", "app")).isZero();
  }

  @Test
  void beyondMaxConnectionsARequestWaitsAsPendingAndBeyondMaxPendingItIsRefusedWithUo() throws Exception {
    // As Envoy: max_connections 1 and max_pending_requests 1. A holds the connection, B waits for
    // it, C finds the pending queue full: 503 UO at once. B gets A's connection when A is done.
    CountDownLatch releaseA = gate();
    ScriptedUpstream app =
        open(new ScriptedUpstream(Step.okWhenOpened(releaseA), Step.status(200), Step.status(200)));
    RetryProxy proxy =
        proxy(
            "",
            RetryProxy.cluster(
                "app",
                "bowline.lb.round_robin",
                ClusterConfig.UpstreamProtocol.HTTP1,
                new ClusterConfig.CircuitBreakerLimits(1, 1, 1024, 3),
                app.port()));

    CompletableFuture<HttpResponse<String>> a =
        client.sendAsync(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/a")).build(),
            HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(10)).until(() -> app.seen.size() == 1);
    CompletableFuture<HttpResponse<String>> b =
        client.sendAsync(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/b")).build(),
            HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(10))
        .until(() -> proxy.clusterCounter("upstream_cx_overflow", "app") == 1);
    HttpResponse<String> c = get(proxy, "/c");

    assertThat(c.statusCode()).isEqualTo(503);
    assertThat(c.headers().firstValue("x-bowline-response-flags")).contains("UO");
    assertThat(b).isNotDone();
    releaseA.countDown();
    assertThat(a.get().statusCode()).isEqualTo(200);
    assertThat(b.get().statusCode()).isEqualTo(200);
    assertThat(app.seen).extracting(ScriptedUpstream.Seen::path).containsExactly("/a", "/b");
    assertThat(proxy.clusterCounter("upstream_rq_pending_overflow", "app")).isEqualTo(1);
    assertThat(proxy.clusterCounter("upstream_cx_total", "app")).as("B reused A's connection").isEqualTo(1);
    assertThat(awaitLog(proxy, 3)).containsExactlyInAnyOrder(
        "/c 503 UO " + host(app.port()), "/a 200 - " + host(app.port()), "/b 200 - " + host(app.port()));
  }

  @Test
  void theMaxRetriesBreakerCountsRetriesInFlightAcrossRequests() throws Exception {
    // A: 503, then its retry waits; B meanwhile: 503, and its retry finds the breaker full.
    CountDownLatch releaseA = gate();
    ScriptedUpstream app =
        open(new ScriptedUpstream(Step.status(503), Step.okWhenOpened(releaseA), Step.status(503), Step.status(200)));
    RetryProxy proxy =
        proxy(
            "{retry_on: 5xx, num_retries: 2}",
            RetryProxy.cluster(
                "app",
                "bowline.lb.round_robin",
                ClusterConfig.UpstreamProtocol.HTTP1,
                new ClusterConfig.CircuitBreakerLimits(1024, 1024, 1024, 1),
                app.port()));

    CompletableFuture<HttpResponse<String>> a =
        client.sendAsync(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/a")).build(),
            HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(10)).until(() -> app.seen.size() == 2);
    assertThat(proxy.server().clusters().get("app").activeRetries()).isEqualTo(1);
    HttpResponse<String> b = get(proxy, "/b");
    releaseA.countDown();

    assertThat(b.statusCode()).isEqualTo(503);
    assertThat(a.get().statusCode()).isEqualTo(200);
    assertThat(app.seen).extracting(ScriptedUpstream.Seen::path).containsExactly("/a", "/a", "/b");
    assertThat(awaitLog(proxy, 2)).containsExactlyInAnyOrder(
        "/b 503 UO " + host(app.port()), "/a 200 - " + host(app.port()));
    assertThat(proxy.clusterCounter("upstream_rq_retry_overflow", "app")).isEqualTo(1);
    assertThat(proxy.clusterCounter("upstream_rq_retry_success", "app")).isEqualTo(1);
    assertThat(proxy.server().clusters().get("app").activeRetries()).isZero();
  }

  private static String readToEnd(InputStream in) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    in.transferTo(out);
    return out.toString(StandardCharsets.ISO_8859_1);
  }
}
