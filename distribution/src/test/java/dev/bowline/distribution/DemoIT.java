package dev.bowline.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bowline demo} from the unpacked distribution, as the README's walkthrough starts it:
 * Bookinfo through the ingress gateway, then the first step of request routing applied with
 * {@code bowlinectl apply -f samples/bookinfo/networking/virtual-service-all-v1.yaml}.
 */
class DemoIT {

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
  private Process demo;

  @AfterEach
  void stop() throws Exception {
    if (demo != null) {
      demo.destroy();
      if (!demo.waitFor(30, TimeUnit.SECONDS)) {
        demo.destroyForcibly();
      }
    }
  }

  @Test
  void servesBookinfoAndTheWalkthroughsFirstStepRoutesEveryoneToV1() throws Exception {
    Distribution d = Distribution.unpack("demo");
    int gateway = freePort();
    int api = freePort();
    demo = d.start("demo", "bowline", "demo", "--gateway-port", Integer.toString(gateway),
        "--xds-port", Integer.toString(freePort()), "--secure-port", Integer.toString(freePort()),
        "--api-port", Integer.toString(api));
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      assertThat(demo.isAlive()).as(d.log("demo")).isTrue();
      assertThat(d.log("demo")).contains("Bowline demo is running Bookinfo");
    });
    URI page = URI.create("http://127.0.0.1:" + gateway + "/productpage");
    assertThat(d.log("demo")).contains(page.toString());
    assertThat(get(page)).contains("The Comedy of Errors", "Reviews served by: reviews-v");

    String server = "http://127.0.0.1:" + api;
    Distribution.Result applied = d.launch("bowlinectl", "apply", "-f",
        "samples/bookinfo/networking/virtual-service-all-v1.yaml", "--server", server);
    assertThat(applied.exitCode()).as(applied.stderr()).isZero();
    assertThat(applied.stdout()).contains("virtualservice/reviews created");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      for (int i = 0; i < 10; i++) {
        assertThat(get(page)).contains("Reviews served by: reviews-v1").doesNotContain("<font color=");
      }
    });
    assertThat(d.launch("bowlinectl", "proxy-status", "--server", server).stdout())
        .contains("ingressgateway.istio-system", "productpage-v1.default", "reviews-v3.default")
        .doesNotContain("STALE", "NACK");

    // Bowline's extensions show in proxy-config: active health checks on clusters
    assertThat(d.launch("bowlinectl", "apply", "-f",
        "samples/bookinfo/networking/destination-rule-reviews-health-check.yaml", "--server", server).exitCode())
        .isZero();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(d.launch("bowlinectl", "proxy-config", "clusters", "productpage-v1.default", "--server", server)
            .stdout()).containsPattern("outbound\\|9080\\|v1\\|reviews\\S* +EDS +\\S+ +http /health every 1s"));
    assertThat(get(page)).contains("Reviews served by: reviews-v1");
  }

  private String get(URI uri) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
