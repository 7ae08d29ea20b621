package dev.bowline.kernel.citadel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.bowline.kernel.controlplane.ControlPlane;
import dev.bowline.kernel.controlplane.ControlPlaneOptions;
import dev.bowline.kernel.controlplane.JoinedSidecars;
import dev.bowline.kernel.pilot.config.ApplyOutcome;
import dev.bowline.kernel.pilot.config.ConfigStore;
import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.kernel.plugin.CaPluginJar;
import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.kernel.plugin.PluginHostConfig;
import dev.bowline.kernel.proxy.ProxyRuntime;
import dev.bowline.proxy.stats.MetricRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6's rotation acceptance, end to end with two-minute workload certificates: two joined
 * sidecars under continuous load over STRICT mutual TLS (new upstream handshakes every few
 * requests) go through at least three renewals each, then the control plane, Citadel with it, is
 * down for 48 s (40% of a lifetime) across a renewal; no request fails, and both proxies renew
 * again once it is back.
 */
class RotationUnderLoadTest {

  private static final Duration LIFETIME = Duration.ofMinutes(2);

  @TempDir Path dir;
  private PluginHost plugins;
  private ControlPlane controlPlane;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
    if (plugins != null) {
      plugins.close();
    }
  }

  private ControlPlane startControlPlane(int securePort, int apiPort) throws IOException {
    return ControlPlane.start(new ControlPlaneOptions(Optional.empty(), Optional.of(dir.resolve("data")),
        new InetSocketAddress("127.0.0.1", securePort), Optional.empty(),
        new InetSocketAddress("127.0.0.1", apiPort), MeshSettings.DEFAULTS, Duration.ofMinutes(5),
        ControlPlaneOptions.DEFAULT_CA), plugins);
  }

  @Test
  void threeRotationsAndACitadelOutageLoseNoRequest() throws Exception {
    int[] ports = JoinedSidecars.freePorts(9);
    plugins = PluginHost.start(new PluginHostConfig(
        CaPluginJar.installInto(dir.resolve("plugins")), Set.of(), Set.of(),
        Map.of("ca-selfsigned", Map.of("defaultTtl", LIFETIME.toSeconds() + "s")), dir.resolve("data")),
        new MetricRegistry());
    controlPlane = startControlPlane(ports[7], ports[8]);
    apply("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: ratings}
        spec:
          hosts: [ratings]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 9080, name: http, protocol: HTTP}]
          workloadSelector: {labels: {app: ratings}}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: ratings}
        spec:
          host: ratings
          trafficPolicy:
            connectionPool: {http: {maxRequestsPerConnection: 5}}
        ---
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: default, namespace: istio-system}
        spec:
          mtls: {mode: STRICT}
        """);
    HttpServer app = HttpServer.create(new InetSocketAddress("127.0.0.1", ports[0]), 64);
    app.createContext("/", ex -> {
      byte[] body = "ratings".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    app.start();
    toClose.add(() -> app.stop(0));
    ProxyRuntime ratings = join(JoinedSidecars.node("ratings-1", "ratings", Map.of("app", "ratings"),
        "ratings", ports[0], ports[1], ports[2]), ports[3]);
    int outbound = ports[5];
    ProxyRuntime sleep = join(JoinedSidecars.node("sleep-1", "sleep", Map.of("app", "sleep"), "", 0,
        ports[4], outbound), ports[6]);
    await().atMost(Duration.ofSeconds(40)).ignoreExceptions()
        .until(() -> request(outbound).equals("200"));

    // Continuous load, and the serial numbers each proxy has held.
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger ok = new AtomicInteger();
    List<String> failures = new CopyOnWriteArrayList<>();
    Set<BigInteger> ratingsSerials = ConcurrentHashMap.newKeySet();
    Set<BigInteger> sleepSerials = ConcurrentHashMap.newKeySet();
    long[] lastRatingsRenewal = {System.nanoTime()};
    Thread load = new Thread(() -> {
      while (running.get()) {
        String status;
        try {
          status = request(outbound);
        } catch (IOException e) {
          status = e.toString();
        }
        if (status.equals("200")) {
          ok.incrementAndGet();
        } else {
          failures.add(status);
        }
        if (ratingsSerials.add(serial(ratings))) {
          lastRatingsRenewal[0] = System.nanoTime();
        }
        sleepSerials.add(serial(sleep));
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "load");
    load.start();
    toClose.add(() -> {
      running.set(false);
      load.join(10_000);
    });

    await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() ->
        ratingsSerials.size() >= 4 && sleepSerials.size() >= 4);
    assertThat(failures).as("requests failed during three rotations").isEmpty();

    // Citadel down for 40% of a lifetime, across the next renewal of ratings' certificate.
    long renewedAt = lastRatingsRenewal[0];
    long outageStart = renewedAt + LIFETIME.toNanos() / 4;
    Thread.sleep(Math.max(0, (outageStart - System.nanoTime()) / 1_000_000));
    int before = ratingsSerials.size();
    int sleepBefore = sleepSerials.size();
    controlPlane.close();
    controlPlane = null;
    Thread.sleep(LIFETIME.toMillis() * 4 / 10);
    assertThat(ratingsSerials).as("no certificate was issued while Citadel was down").hasSize(before);
    controlPlane = startControlPlane(ports[7], ports[8]);
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() ->
        ratingsSerials.size() > before && sleepSerials.size() > sleepBefore);

    running.set(false);
    load.join(10_000);
    assertThat(failures).as("requests failed (of %d that succeeded)", ok.get()).isEmpty();
    assertThat(ok.get()).as("requests served under load").isGreaterThan(1000);
  }

  private static BigInteger serial(ProxyRuntime proxy) {
    return proxy.workloadSecrets().orElseThrow().certificate().orElseThrow().leaf().getSerialNumber();
  }

  /** One request through the client sidecar on a new connection; its status code. */
  private static String request(int outboundPort) throws IOException {
    try (Socket s = new Socket("127.0.0.1", outboundPort)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(
          "GET / HTTP/1.1\r\nHost: ratings\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String statusLine =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      return statusLine == null ? "no answer" : statusLine.split(" ", 3)[1];
    }
  }

  private ProxyRuntime join(ProxyNode node, int adminPort) throws Exception {
    ProxyRuntime proxy = JoinedSidecars.join(controlPlane, plugins, node, adminPort);
    toClose.add(() -> proxy.drainAndStop(Duration.ZERO));
    return proxy;
  }

  private void apply(String yaml) {
    List<ApplyOutcome> outcomes = controlPlane.store().apply("rotation.yaml", yaml, ConfigStore.API_SOURCE);
    assertThat(outcomes).allSatisfy(o -> assertThat(o.errorMessages()).isEmpty());
  }
}
