package dev.bowline.kernel.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.bowline.kernel.pilot.config.ApplyOutcome;
import dev.bowline.kernel.pilot.config.ConfigStore;
import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.kernel.proxy.ProxyRuntime;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test fixture for certificate rotations under load: the {@code ratings} app behind a joined
 * sidecar and a joined client sidecar {@code sleep}, over STRICT mutual TLS, with at most 5
 * requests per upstream connection so that new handshakes go on all the time; and a load thread
 * sending one request after another through {@code sleep}, counting answers other than 200.
 */
public final class RatingsUnderLoad implements AutoCloseable {

  /**
   * The {@code ratings} service on port 9080 (HTTP), its workloads selected by {@code app: ratings},
   * and STRICT mutual TLS mesh-wide.
   */
  public static final String RATINGS_STRICT = """
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
      apiVersion: security.istio.io/v1
      kind: PeerAuthentication
      metadata: {name: default, namespace: istio-system}
      spec:
        mtls: {mode: STRICT}
      """;

  private static final String MESH_CONFIG = RATINGS_STRICT + """
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: ratings}
      spec:
        host: ratings
        trafficPolicy:
          connectionPool: {http: {maxRequestsPerConnection: 5}}
      """;

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicInteger succeeded = new AtomicInteger();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private ProxyRuntime ratings;
  private ProxyRuntime sleep;
  private int outbound;
  private Thread load;

  private RatingsUnderLoad() {}

  /**
   * Applies the mesh config, starts the app and both sidecars joined to {@code controlPlane}, and
   * waits until a request through {@code sleep} is answered.
   */
  public static RatingsUnderLoad start(ControlPlane controlPlane, PluginHost plugins) throws Exception {
    RatingsUnderLoad mesh = new RatingsUnderLoad();
    try {
      mesh.startAll(controlPlane, plugins);
      return mesh;
    } catch (Exception | AssertionError e) {
      mesh.close();
      throw e;
    }
  }

  private void startAll(ControlPlane controlPlane, PluginHost plugins) throws Exception {
    List<ApplyOutcome> outcomes = controlPlane.store().apply("ratings.yaml", MESH_CONFIG, ConfigStore.API_SOURCE);
    assertThat(outcomes).allSatisfy(o -> assertThat(o.errorMessages()).isEmpty());
    int[] ports = JoinedSidecars.freePorts(7);
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
    ratings = join(controlPlane, plugins, JoinedSidecars.node("ratings-1", "ratings", Map.of("app", "ratings"),
        "ratings", ports[0], ports[1], ports[2]), ports[3]);
    outbound = ports[5];
    sleep = join(controlPlane, plugins, JoinedSidecars.node("sleep-1", "sleep", Map.of("app", "sleep"), "", 0,
        ports[4], outbound), ports[6]);
    await().atMost(Duration.ofSeconds(40)).ignoreExceptions().until(() -> request().equals("200"));
  }

  private ProxyRuntime join(ControlPlane controlPlane, PluginHost plugins,
      dev.bowline.kernel.pilot.node.ProxyNode node, int adminPort) throws Exception {
    ProxyRuntime proxy = JoinedSidecars.join(controlPlane, plugins, node, adminPort);
    toClose.add(() -> proxy.drainAndStop(Duration.ZERO));
    return proxy;
  }

  /** The server sidecar. */
  public ProxyRuntime ratings() {
    return ratings;
  }

  /** The client sidecar. */
  public ProxyRuntime sleep() {
    return sleep;
  }

  /**
   * Starts the load: a request, then {@code afterEach}, then {@code pause}, until {@link
   * #stopLoad}.
   */
  public void startLoad(Duration pause, Runnable afterEach) {
    running.set(true);
    load = new Thread(() -> {
      while (running.get()) {
        String status;
        try {
          status = request();
        } catch (IOException e) {
          status = e.toString();
        }
        if (status.equals("200")) {
          succeeded.incrementAndGet();
        } else {
          failures.add(status);
        }
        afterEach.run();
        try {
          Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "load");
    load.start();
  }

  /** Stops the load and waits for its last request. */
  public void stopLoad() throws InterruptedException {
    running.set(false);
    if (load != null) {
      load.join(10_000);
    }
  }

  /** The requests answered 200 so far. */
  public int succeeded() {
    return succeeded.get();
  }

  /** The outcome of every request not answered 200 (a status or an exception), so far. */
  public List<String> failures() {
    return List.copyOf(failures);
  }

  /** One request through the client sidecar on a new connection; its status code. */
  private String request() throws IOException {
    try (Socket s = new Socket("127.0.0.1", outbound)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(
          "GET / HTTP/1.1\r\nHost: ratings\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String statusLine =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      return statusLine == null ? "no answer" : statusLine.split(" ", 3)[1];
    }
  }

  @Override
  public void close() throws Exception {
    stopLoad();
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }
}
