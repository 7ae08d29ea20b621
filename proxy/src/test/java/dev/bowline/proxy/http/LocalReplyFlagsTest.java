package dev.bowline.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.http.ScriptedUpstream.Step;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every answer the proxy makes itself says why: its response flags in {@code
 * x-bowline-response-flags} and in {@code bowline_http_local_replies_total}. Over real sockets.
 */
class LocalReplyFlagsTest {

  @TempDir Path dir;
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final CountDownLatch never = new CountDownLatch(1);

  @AfterEach
  void closeAll() throws Exception {
    never.countDown();
    while (!resources.isEmpty()) {
      resources.pop().close();
    }
  }

  private <T extends AutoCloseable> T open(T resource) {
    resources.push(resource);
    return resource;
  }

  private HttpResponse<String> get(RetryProxy proxy, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + path))
            .timeout(Duration.ofSeconds(15))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static long localReplies(RetryProxy proxy, String flags) {
    Matcher m =
        Pattern.compile(
                "(?m)^bowline_http_local_replies_total\\{envoy_http_conn_manager_prefix=\"ingress_http\","
                    + "response_flags=\"" + Pattern.quote(flags) + "\"} (\\d+)$")
            .matcher(proxy.server().metrics().renderPrometheus());
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  @Test
  void noRouteNoUpstreamRetriesRunOutAndTimeoutsSayWhy() throws Exception {
    int closed = closedPort();
    ScriptedUpstream slow = open(new ScriptedUpstream(Step.okWhenOpened(never)));
    RetryProxy proxy =
        open(
            new RetryProxy(
                dir,
                """
                - match: {prefix: /down}
                  route: {cluster: down, timeout: 5s}
                - match: {prefix: /retried}
                  route: {cluster: down, timeout: 5s, retry_policy: {retry_on: connect-failure, num_retries: 1}}
                - match: {prefix: /slow}
                  route: {cluster: slow, timeout: 0.2s}
                - match: {prefix: /nowhere}
                  route: {cluster: missing}
                - match: {prefix: /direct}
                  direct_response: {status: 200, body: {inline_string: ok}}
                """,
                RetryProxy.cluster("down", closed),
                RetryProxy.cluster("slow", slow.port())));

    HttpResponse<String> noRoute = get(proxy, "/other");
    assertThat(noRoute.statusCode()).isEqualTo(404);
    assertThat(noRoute.headers().firstValue("x-bowline-response-flags")).contains("NR");

    HttpResponse<String> down = get(proxy, "/down");
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.headers().firstValue("x-bowline-response-flags")).contains("UF");

    HttpResponse<String> retried = get(proxy, "/retried");
    assertThat(retried.headers().firstValue("x-bowline-response-flags")).contains("UF,URX");

    HttpResponse<String> slowAnswer = get(proxy, "/slow");
    assertThat(slowAnswer.statusCode()).isEqualTo(504);
    assertThat(slowAnswer.headers().firstValue("x-bowline-response-flags")).contains("UT");

    HttpResponse<String> noCluster = get(proxy, "/nowhere");
    assertThat(noCluster.headers().firstValue("x-bowline-response-flags")).contains("NC");

    HttpResponse<String> direct = get(proxy, "/direct");
    assertThat(direct.statusCode()).isEqualTo(200);
    assertThat(direct.headers().firstValue("x-bowline-response-flags")).isEmpty();

    assertThat(localReplies(proxy, "NR")).isEqualTo(1);
    assertThat(localReplies(proxy, "UF")).isEqualTo(1);
    assertThat(localReplies(proxy, "UF,URX")).isEqualTo(1);
    assertThat(localReplies(proxy, "UT")).isEqualTo(1);
    assertThat(localReplies(proxy, "NC")).isEqualTo(1);
    assertThat(localReplies(proxy, "-")).isEqualTo(1);
  }
}
