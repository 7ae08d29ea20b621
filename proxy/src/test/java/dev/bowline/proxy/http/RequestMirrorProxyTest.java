package dev.bowline.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Request mirroring through the proxy over real sockets: the mirror cluster gets a copy of each
 * request with its authority suffixed {@code -shadow}, the client only ever sees the primary's
 * answers, and a mirror that hangs, is down or is missing changes nothing for the client.
 */
class RequestMirrorProxyTest {

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

  private static String route(String mirrorPolicies, String timeout) {
    return """
        - match: {prefix: /}
          route:
            cluster: primary
            timeout: %s
            request_mirror_policies:
        """
            .formatted(timeout)
        + mirrorPolicies.indent(6);
  }

  private RoutingProxy proxy(String mirrorPolicies, int bufferLimit, int primaryPort, int mirrorPort)
      throws Exception {
    return open(
        new RoutingProxy(
            BuiltinLoadBalancers.newRegistry(),
            route(mirrorPolicies, "2s"),
            bufferLimit,
            RoutingProxy.cluster("primary", primaryPort),
            RoutingProxy.cluster("mirror", mirrorPort)));
  }

  private static int deadPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void theMirrorGetsEveryRequestWithAShadowHostWhileTheClientSeesOnlyThePrimary() throws Exception {
    RecordingUpstream primary = open(new RecordingUpstream("primary"));
    RecordingUpstream mirror = open(new RecordingUpstream("mirror"));
    RoutingProxy proxy = proxy("- cluster: mirror", 1024 * 1024, primary.port(), mirror.port());

    try (Http1TestClient client = new Http1TestClient(proxy.port())) {
      for (int i = 0; i < 5; i++) {
        Http1TestClient.Response r = client.get("x", "/get/" + i);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyText()).isEqualTo("primary");
      }
      for (int i = 0; i < 5; i++) {
        byte[] body = ("order-" + i).repeat(100).getBytes(StandardCharsets.UTF_8);
        Http1TestClient.Response r = client.send("POST", "x:8080", "/post/" + i, body);
        assertThat(r.bodyText()).isEqualTo("primary");
      }
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> mirror.seen.size() == 10);
    assertThat(primary.seen).extracting(RecordingUpstream.Seen::host).containsOnly("x", "x:8080");
    assertThat(mirror.seen.subList(0, 5))
        .allSatisfy(s -> assertThat(s.host()).isEqualTo("x-shadow"));
    assertThat(mirror.seen).extracting(RecordingUpstream.Seen::path)
        .containsExactlyInAnyOrder(
            "/get/0", "/get/1", "/get/2", "/get/3", "/get/4",
            "/post/0", "/post/1", "/post/2", "/post/3", "/post/4");
    for (RecordingUpstream.Seen copy : mirror.seen.subList(5, 10)) {
      assertThat(copy.host()).isEqualTo("x-shadow:8080");
      assertThat(copy.method()).isEqualTo("POST");
      String index = copy.path().substring("/post/".length());
      assertThat(copy.bodyText()).isEqualTo(("order-" + index).repeat(100));
    }
    // The copies' answers are read (and dropped) and counted in the mirror cluster's own stats.
    await().atMost(Duration.ofSeconds(5))
        .until(() -> proxy.series(
            "envoy_cluster_upstream_rq_xx{envoy_cluster_name=\"mirror\",envoy_response_code_class=\"2\"}") == 10);
    assertThat(proxy.clusterCounter("bowline_cluster_shadow_rq_total", "mirror")).isEqualTo(10);
    assertThat(proxy.clusterCounter("bowline_cluster_shadow_rq_failed", "mirror")).isZero();
    assertThat(proxy.clusterCounter("envoy_cluster_upstream_rq_total", "mirror")).isEqualTo(10);
    assertThat(proxy.clusterCounter("envoy_cluster_upstream_rq_total", "primary")).isEqualTo(10);
  }

  @Test
  void aMirrorPercentageMirrorsThatShareOfTheRequests() throws Exception {
    RecordingUpstream primary = open(new RecordingUpstream("primary"));
    RecordingUpstream mirror = open(new RecordingUpstream("mirror"));
    // Istio's mirrorPercentage {value: 50}.
    RoutingProxy proxy =
        proxy(
            "- {cluster: mirror, runtime_fraction: {default_value: {numerator: 500000, denominator: MILLION}}, trace_sampled: false}",
            1024 * 1024,
            primary.port(),
            mirror.port());

    int requests = 200;
    try (Http1TestClient client = new Http1TestClient(proxy.port())) {
      for (int i = 0; i < requests; i++) {
        assertThat(client.get("x", "/" + i).bodyText()).isEqualTo("primary");
      }
    }

    // Binomial(200, 0.5): mean 100, standard deviation about 7; a band of six deviations.
    await().atMost(Duration.ofSeconds(10))
        .until(() -> proxy.clusterCounter("bowline_cluster_shadow_rq_total", "mirror") == mirror.seen.size()
            && proxy.clusterCounter("envoy_cluster_upstream_rq_total", "mirror") == mirror.seen.size());
    assertThat(mirror.seen.size()).isBetween(58, 142);
    assertThat(primary.seen).hasSize(requests);
  }

  @Test
  void aHangingMirrorNeverDelaysThePrimaryAndTimesOutOnItsOwn() throws Exception {
    RecordingUpstream primary = open(new RecordingUpstream("primary"));
    RecordingUpstream hanging = open(new RecordingUpstream("mirror", never));
    RoutingProxy proxy = proxy("- cluster: mirror", 1024 * 1024, primary.port(), hanging.port());

    try (Http1TestClient client = new Http1TestClient(proxy.port())) {
      for (int i = 0; i < 3; i++) {
        // The mirror never answers (until the test ends); the client's answers come anyway.
        Http1TestClient.Response r = client.send("POST", "x", "/p" + i, "body".getBytes(StandardCharsets.UTF_8));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyText()).isEqualTo("primary");
      }
    }
    assertThat(primary.seen).hasSize(3);

    // Each copy ends at the route timeout (2 s): counted as failed and as a timeout.
    await().atMost(Duration.ofSeconds(15))
        .until(() -> proxy.clusterCounter("bowline_cluster_shadow_rq_failed", "mirror") == 3);
    assertThat(hanging.seen).hasSize(3);
    assertThat(proxy.clusterCounter("bowline_cluster_shadow_rq_total", "mirror")).isEqualTo(3);
    assertThat(proxy.clusterCounter("envoy_cluster_upstream_rq_timeout", "mirror")).isEqualTo(3);
    assertThat(proxy.clusterCounter("envoy_cluster_upstream_rq_timeout", "primary")).isZero();
    await().atMost(Duration.ofSeconds(5))
        .until(() -> proxy.server().clusters().get("mirror").activeRequests() == 0);
  }

  @Test
  void aMirrorThatIsDownOrMissingChangesNothingForTheClient() throws Exception {
    RecordingUpstream primary = open(new RecordingUpstream("primary"));
    RoutingProxy proxy =
        proxy("- cluster: mirror\n- cluster: nowhere", 1024 * 1024, primary.port(), deadPort());

    try (Http1TestClient client = new Http1TestClient(proxy.port())) {
      for (int i = 0; i < 4; i++) {
        Http1TestClient.Response r = client.get("x", "/" + i);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyText()).isEqualTo("primary");
      }
    }

    await().atMost(Duration.ofSeconds(10))
        .until(() -> proxy.clusterCounter("bowline_cluster_shadow_rq_failed", "mirror") == 4);
    assertThat(proxy.clusterCounter("bowline_cluster_shadow_rq_total", "mirror")).isEqualTo(4);
    assertThat(proxy.clusterCounter("envoy_cluster_upstream_cx_connect_fail", "mirror")).isEqualTo(4);
    assertThat(proxy.clusterCounter("bowline_cluster_shadow_rq_total", "nowhere")).isEqualTo(4);
    assertThat(proxy.clusterCounter("bowline_cluster_shadow_rq_failed", "nowhere")).isEqualTo(4);
    assertThat(primary.seen).hasSize(4);
  }

  @Test
  void aBodyOverTheBufferLimitIsNotMirroredAndIsCounted() throws Exception {
    RecordingUpstream primary = open(new RecordingUpstream("primary"));
    RecordingUpstream mirror = open(new RecordingUpstream("mirror"));
    RoutingProxy proxy = proxy("- cluster: mirror", 4096, primary.port(), mirror.port());
    byte[] small = new byte[1000];
    byte[] large = new byte[20_000];
    Arrays.fill(small, (byte) 's');
    Arrays.fill(large, (byte) 'L');

    try (Http1TestClient client = new Http1TestClient(proxy.port())) {
      assertThat(client.send("POST", "x", "/large", large).bodyText()).isEqualTo("primary");
      assertThat(client.send("POST", "x", "/small", small).bodyText()).isEqualTo("primary");
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> mirror.seen.size() == 1);
    assertThat(mirror.seen.get(0).path()).isEqualTo("/small");
    assertThat(mirror.seen.get(0).body()).isEqualTo(small);
    assertThat(primary.seen).extracting(s -> s.body().length).containsExactly(20_000, 1000);
    assertThat(proxy.clusterCounter("envoy_cluster_retry_or_shadow_abandoned", "primary")).isEqualTo(1);
    assertThat(proxy.clusterCounter("bowline_cluster_shadow_rq_total", "mirror")).isEqualTo(1);
  }

  @Test
  void requestsOverHttp2AreMirroredWithTheirBody() throws Exception {
    RecordingUpstream primary = open(new RecordingUpstream("primary"));
    RecordingUpstream mirror = open(new RecordingUpstream("mirror"));
    RoutingProxy proxy = proxy("- cluster: mirror", 1024 * 1024, primary.port(), mirror.port());

    // h2c with prior knowledge: each stream is its own exchange.
    Process curl =
        new ProcessBuilder(
                "curl", "-sS", "--max-time", "20", "--http2-prior-knowledge",
                "-H", "Host: api.example:9080", "--data-binary", "h2-body",
                "http://127.0.0.1:" + proxy.port() + "/h2")
            .redirectErrorStream(true)
            .start();
    String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(curl.waitFor()).as(output).isZero();
    assertThat(output).isEqualTo("primary");

    await().atMost(Duration.ofSeconds(10)).until(() -> mirror.seen.size() == 1);
    assertThat(mirror.seen.get(0).host()).isEqualTo("api.example-shadow:9080");
    assertThat(mirror.seen.get(0).bodyText()).isEqualTo("h2-body");
    assertThat(primary.seen.get(0).host()).isEqualTo("api.example:9080");
  }

  @Test
  void withTheSuffixDisabledTheCopyKeepsTheAuthority() throws Exception {
    RecordingUpstream primary = open(new RecordingUpstream("primary"));
    RecordingUpstream mirror = open(new RecordingUpstream("mirror"));
    RoutingProxy proxy =
        proxy(
            "- {cluster: mirror, disable_shadow_host_suffix_append: true}",
            1024 * 1024,
            primary.port(),
            mirror.port());

    try (Http1TestClient client = new Http1TestClient(proxy.port())) {
      client.get("shop.example:8080", "/");
    }

    await().atMost(Duration.ofSeconds(10)).until(() -> mirror.seen.size() == 1);
    assertThat(mirror.seen.get(0).host()).isEqualTo("shop.example:8080");
  }
}
