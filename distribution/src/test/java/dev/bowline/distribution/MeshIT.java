package dev.bowline.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mesh end to end, with real processes from the unpacked distribution: {@code bowline
 * control-plane}, three {@code bowline proxy --control-plane} sidecars (a client and two versions
 * of {@code reviews}, each registering itself), two application servers, and {@code bowlinectl}.
 * Traffic goes app → client sidecar (outbound, explicit proxy) → reviews sidecar (inbound) → app.
 */
class MeshIT {

  private final List<Process> processes = new ArrayList<>();
  private final List<HttpServer> apps = new ArrayList<>();
  private Distribution d;
  private int xdsPort;
  private int apiPort;
  private int clientOutbound;
  private HttpClient viaSidecar;
  private Process controlPlane;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeEach
  void start() throws Exception {
    d = Distribution.unpack("mesh");
    xdsPort = freePort();
    apiPort = freePort();
    controlPlane = startControlPlane();
    int v1 = app("reviews v1");
    int v2 = app("reviews v2");
    sidecar("reviews-v1", "--service", "reviews", "--labels", "app=reviews,version=v1", "--app-port", Integer.toString(v1));
    sidecar("reviews-v2", "--service", "reviews", "--labels", "app=reviews,version=v2", "--app-port", Integer.toString(v2));
    clientOutbound = sidecar("client");
    viaSidecar = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", clientOutbound))).build();
    awaitAllSynced();
  }

  /** Waits until the three proxies are connected and SYNCED on every type, then shows it with bowlinectl. */
  private void awaitAllSynced() throws Exception {
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(this::allSynced);
    assertThat(ctl("proxy-status").stdout())
        .contains("reviews-v1.default", "reviews-v2.default", "client.default")
        .doesNotContain("STALE", "NOT SENT", "NACK");
  }

  private boolean allSynced() throws InterruptedException {
    String body;
    try {
      body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/v1/proxies")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      return false;
    }
    return body.contains("\"reviews-v1.default\"") && body.contains("\"reviews-v2.default\"")
        && body.contains("\"client.default\"")
        && !body.contains("STALE") && !body.contains("NOT_SENT") && !body.contains("NACK");
  }

  @AfterEach
  void stop() throws Exception {
    for (Process p : processes) {
      p.destroyForcibly();
    }
    for (Process p : processes) {
      p.waitFor(10, TimeUnit.SECONDS);
    }
    apps.forEach(a -> a.stop(0));
  }

  @Test
  void routesSplitsShiftsAndSurvivesTheControlPlane() throws Exception {
    // Before any routing rule: both versions serve.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      List<String> seen = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        seen.add(call());
      }
      assertThat(seen).contains("reviews v1", "reviews v2");
    });

    // 80/20 between subsets, measured over 2000 requests.
    Distribution.Result applied = ctl("apply", "-f", write("split.yaml", destinationRule() + "---\n" + split(80, 20)));
    assertThat(applied.exitCode()).as(applied.stderr()).isZero();
    assertThat(applied.stdout()).contains("virtualservice/reviews created");
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(this::allSynced);
    awaitRouteShape();
    int v2 = 0;
    for (int i = 0; i < 2000; i++) {
      if (call().equals("reviews v2")) {
        v2++;
      }
    }
    assertThat(v2 / 2000.0).as("share of v2").isBetween(0.15, 0.25);

    // 0/100 while traffic flows: no request fails.
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger failures = new AtomicInteger();
    AtomicInteger sent = new AtomicInteger();
    List<String> failureSamples = new ArrayList<>();
    CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
      while (running.get()) {
        sent.incrementAndGet();
        try {
          String body = call();
          if (!body.startsWith("reviews v")) {
            failures.incrementAndGet();
            synchronized (failureSamples) {
              failureSamples.add(body);
            }
          }
        } catch (Exception e) {
          failures.incrementAndGet();
          synchronized (failureSamples) {
            failureSamples.add(e.toString());
          }
        }
      }
    }, Executors.newSingleThreadExecutor());
    assertThat(ctl("apply", "-f", write("all-v2.yaml", split(0, 100))).exitCode()).isZero();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      for (int i = 0; i < 50; i++) {
        assertThat(call()).isEqualTo("reviews v2");
      }
    });
    running.set(false);
    load.get(10, TimeUnit.SECONDS);
    assertThat(sent.get()).isPositive();
    assertThat(failures.get()).as("failed requests while shifting: %s", failureSamples).isZero();

    // An invalid VirtualService is rejected with its field path; traffic is unaffected.
    Distribution.Result rejected = ctl("apply", "-f", write("bad.yaml", split(50, 40)));
    assertThat(rejected.exitCode()).isEqualTo(1);
    assertThat(rejected.stderr()).contains("VirtualService default/reviews", "spec.http[0].route");
    for (int i = 0; i < 50; i++) {
      assertThat(call()).isEqualTo("reviews v2");
    }

    // The control plane goes away: traffic keeps flowing on the last config.
    controlPlane.destroyForcibly();
    assertThat(controlPlane.waitFor(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 100; i++) {
      assertThat(call()).isEqualTo("reviews v2");
    }

    // It comes back: every proxy reconnects and is SYNCED, and the applied config survived.
    controlPlane = startControlPlane();
    awaitAllSynced();
    assertThat(ctl("get", "virtualservice", "reviews", "-o", "yaml").stdout()).contains("weight: 100");
    for (int i = 0; i < 50; i++) {
      assertThat(call()).isEqualTo("reviews v2");
    }
    assertThat(ctl("proxy-config", "routes", "client.default").stdout()).contains("reviews.default.svc.cluster.local");
  }

  private void awaitRouteShape() throws Exception {
    assertThat(ctl("proxy-config", "routes", "client.default", "-o", "json").stdout())
        .contains("|v2|reviews.default.svc.cluster.local");
  }

  /**
   * One request from the client application: {@code http://reviews/} with the client's sidecar as
   * HTTP proxy, as an application run with {@code HTTP_PROXY=http://127.0.0.1:15001} sends it.
   */
  private String call() throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://reviews/")).timeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> r = viaSidecar.send(request, HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 ? r.body() : "HTTP " + r.statusCode() + " " + r.body();
  }

  private static String destinationRule() {
    return """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews}
        spec:
          host: reviews
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2}}
        """;
  }

  private static String split(int v1, int v2) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - route:
            - {destination: {host: reviews, subset: v1}, weight: %d}
            - {destination: {host: reviews, subset: v2}, weight: %d}
        """.formatted(v1, v2);
  }

  private Process startControlPlane() throws Exception {
    Process p = d.start("control-plane", "bowline", "control-plane",
        "--data-dir", d.home().resolve("data").toString(),
        "--xds-address", "127.0.0.1:" + freePort(),
        "--plaintext-xds-address", "127.0.0.1:" + xdsPort,
        "--api-address", "127.0.0.1:" + apiPort,
        "--registration-grace-period", "PT60S");
    processes.add(p);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
      assertThat(p.isAlive()).as(d.log("control-plane")).isTrue();
      try {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/ready")).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
      } catch (IOException e) {
        return false;
      }
    });
    return p;
  }

  /** Starts a sidecar and returns its outbound port. */
  private int sidecar(String workload, String... extra) throws Exception {
    int outbound = freePort();
    List<String> args = new ArrayList<>(List.of("proxy", "--control-plane", "127.0.0.1:" + xdsPort, "--plaintext",
        "--workload-name", workload, "--ip", "127.0.0.1", "--concurrency", "1",
        "--inbound-port", Integer.toString(freePort()), "--outbound-port", Integer.toString(outbound),
        "--admin-port", Integer.toString(freePort())));
    args.addAll(List.of(extra));
    processes.add(d.start(workload, "bowline", args.toArray(String[]::new)));
    return outbound;
  }

  /** Starts an application answering its name; returns its port. */
  private int app(String name) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/", ex -> {
      byte[] body = name.getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    apps.add(server);
    return server.getAddress().getPort();
  }

  private Distribution.Result ctl(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--server");
    all.add("http://127.0.0.1:" + apiPort);
    return d.launch("bowlinectl", all.toArray(String[]::new));
  }

  private String write(String name, String text) throws IOException {
    Path file = d.home().resolve(name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file.toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
