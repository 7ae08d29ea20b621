package dev.bowline.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A VM joining the mesh, as the README tells it, with real processes from the unpacked
 * distribution: {@code bowline control-plane} with its defaults (mutual TLS only, the shipped
 * {@code ca-selfsigned} plugin), {@code bowlinectl ca root} and {@code bowlinectl token create},
 * then {@code bowline proxy --join-token-file --ca-root}. The proxy gets its certificate and its
 * configuration over mutual TLS and serves its application through its inbound listener; {@code
 * bowlinectl proxy-config secret} shows its identity; a proxy whose token is for {@code ratings}
 * but that says {@code --service-account reviews} is refused.
 */
class JoinIT {

  private final List<Process> processes = new ArrayList<>();
  private HttpServer app;
  private Distribution d;
  private int apiPort;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

  @AfterEach
  void stop() throws Exception {
    for (Process p : processes) {
      p.destroyForcibly();
    }
    for (Process p : processes) {
      p.waitFor(10, TimeUnit.SECONDS);
    }
    if (app != null) {
      app.stop(0);
    }
  }

  @Test
  void aVmJoinsWithATokenAndTheTrustBundle() throws Exception {
    d = Distribution.unpack("join");
    int securePort = freePort();
    apiPort = freePort();
    Process controlPlane = d.start("control-plane", "bowline", "control-plane",
        "--data-dir", d.home().resolve("data").toString(),
        "--xds-address", "127.0.0.1:" + securePort,
        "--api-address", "127.0.0.1:" + apiPort);
    processes.add(controlPlane);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
      assertThat(controlPlane.isAlive()).as(d.log("control-plane")).isTrue();
      return get("http://127.0.0.1:" + apiPort + "/ready") == 200;
    });
    assertThat(d.log("control-plane")).contains("Citadel and xDS over mutual TLS on " + securePort)
        .doesNotContain("plaintext xDS on");

    Distribution.Result root = ctl("ca", "root");
    assertThat(root.exitCode()).as(root.stderr()).isZero();
    assertThat(root.stdout()).startsWith("-----BEGIN CERTIFICATE-----");
    Path rootFile = d.home().resolve("root.pem");
    Files.writeString(rootFile, root.stdout());
    assertThat(d.home().resolve("data/plugins/ca-selfsigned/root-key.pem")).exists();

    Distribution.Result token = ctl("token", "create", "--service-account", "ratings", "--ttl", "10m");
    assertThat(token.exitCode()).as(token.stderr()).isZero();
    Path tokenFile = d.home().resolve("ratings.token");
    Files.writeString(tokenFile, token.stdout());

    int appPort = app("ratings v1");
    int inbound = freePort();
    int admin = freePort();
    processes.add(d.start("ratings", "bowline", "proxy", "--control-plane", "127.0.0.1:" + securePort,
        "--join-token-file", tokenFile.toString(), "--ca-root", rootFile.toString(),
        "--service", "ratings", "--app-port", Integer.toString(appPort), "--workload-name", "ratings-vm",
        "--ip", "127.0.0.1", "--inbound-port", Integer.toString(inbound), "--outbound-port",
        Integer.toString(freePort()), "--admin-port", Integer.toString(admin), "--concurrency", "1"));

    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
      Distribution.Result status = ctl("proxy-status");
      assertThat(status.stdout()).as(d.log("ratings")).contains("ratings-vm.default").doesNotContain("STALE");
    });
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
        .untilAsserted(() -> assertThat(body("http://127.0.0.1:" + inbound + "/")).isEqualTo("ratings v1"));

    Distribution.Result secret = d.launch("bowlinectl", "proxy-config", "secret", "127.0.0.1:" + admin);
    assertThat(secret.exitCode()).as(secret.stderr()).isZero();
    assertThat(secret.stdout()).contains("spiffe://cluster.local/ns/default/sa/ratings", "ROOTCA");

    // Another proxy with a token for ratings that claims reviews gets nothing.
    Distribution.Result second = ctl("token", "create", "--service-account", "ratings", "--ttl", "10m");
    Path secondToken = d.home().resolve("second.token");
    Files.writeString(secondToken, second.stdout());
    processes.add(d.start("impostor", "bowline", "proxy", "--control-plane", "127.0.0.1:" + securePort,
        "--join-token-file", secondToken.toString(), "--ca-root", rootFile.toString(),
        "--service", "reviews", "--service-account", "reviews", "--app-port", "9", "--workload-name",
        "impostor", "--ip", "127.0.0.1", "--inbound-port", Integer.toString(freePort()), "--outbound-port",
        Integer.toString(freePort()), "--admin-port", Integer.toString(freePort()), "--concurrency", "1"));
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
        assertThat(d.log("impostor")).contains("PERMISSION_DENIED")
            .contains("spiffe://cluster.local/ns/default/sa/reviews")
            .contains("spiffe://cluster.local/ns/default/sa/ratings"));
    assertThat(ctl("proxy-status").stdout()).doesNotContain("impostor");
  }

  private int get(String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private String body(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private Distribution.Result ctl(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--server");
    all.add("http://127.0.0.1:" + apiPort);
    return d.launch("bowlinectl", all.toArray(String[]::new));
  }

  private int app(String name) throws IOException {
    app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    app.createContext("/", ex -> {
      byte[] out = name.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, out.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(out);
      }
    });
    app.start();
    return app.getAddress().getPort();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
