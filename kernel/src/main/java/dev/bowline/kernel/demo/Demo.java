package dev.bowline.kernel.demo;

import dev.bowline.kernel.controlplane.ControlPlane;
import dev.bowline.kernel.controlplane.ControlPlaneOptions;
import dev.bowline.kernel.pilot.config.ApplyOutcome;
import dev.bowline.kernel.pilot.config.ConfigStore;
import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.kernel.proxy.MeshProxyOptions;
import dev.bowline.kernel.proxy.ProxyRuntime;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bowline demo}: a small mesh on this machine, in one process. The control plane; a
 * {@code frontend} service and a {@code backend} service in two versions, each application with
 * its own sidecar (real proxies, configured over ADS, talking over real sockets); an ingress
 * gateway; and a routing example (80/20 between the backend versions, and {@code end-user: jason}
 * always to v2). Traffic: client → gateway → frontend sidecar → frontend → its sidecar (outbound)
 * → a backend sidecar (inbound) → backend.
 *
 * <p>Threading: {@link #start} and {@link #close} from one thread.
 */
public final class Demo implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Demo.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final List<AutoCloseable> running = new ArrayList<>();
  private ControlPlane controlPlane;
  private int gatewayPort;

  private Demo() {}

  /**
   * Starts the demo and returns once a request through the gateway is answered end to end.
   *
   * @throws IOException a port is taken or a component cannot start; nothing is left running
   */
  public static Demo start(DemoOptions options, PluginHost plugins) throws IOException {
    Demo demo = new Demo();
    try {
      demo.startAll(options, plugins);
      return demo;
    } catch (IOException | RuntimeException e) {
      demo.close();
      throw e;
    }
  }

  private void startAll(DemoOptions options, PluginHost plugins) throws IOException {
    gatewayPort = options.gatewayPort();
    controlPlane = ControlPlane.start(new ControlPlaneOptions(
        Optional.empty(), Optional.of(options.dataDir()),
        new InetSocketAddress("127.0.0.1", options.xdsPort()),
        new InetSocketAddress("127.0.0.1", options.apiPort()),
        MeshSettings.DEFAULTS, Duration.ofSeconds(10)), plugins);
    running.add(controlPlane);
    String xds = "127.0.0.1:" + controlPlane.xdsAddress().getPort();

    apply("demo-config", DemoConfig.gatewayAndRoutes(gatewayPort));
    apply("backend-split", DemoConfig.backendSplit(80));

    int backendV1 = app("backend", "v1", Optional.empty());
    int backendV2 = app("backend", "v2", Optional.empty());
    sidecar(xds, plugins, "backend-v1", "backend", "v1", backendV1, freePort());
    sidecar(xds, plugins, "backend-v2", "backend", "v2", backendV2, freePort());
    int frontendOutbound = freePort();
    int frontend = app("frontend", "v1", Optional.of(new DemoApp.Downstream("backend", frontendOutbound)));
    sidecar(xds, plugins, "frontend-v1", "frontend", "v1", frontend, frontendOutbound);
    ProxyNode gateway = new ProxyNode(
        ProxyNode.nodeId(ProxyNode.Type.ROUTER, "127.0.0.1", "ingressgateway", "istio-system", "cluster.local"),
        ProxyNode.Type.ROUTER, "127.0.0.1", "ingressgateway", "istio-system", "ingressgateway",
        Map.of("istio", "ingressgateway"), "", OptionalInt.empty(), freePort(), freePort());
    startProxy(xds, plugins, gateway);
    awaitGateway();
  }

  private void apply(String name, String yaml) {
    for (ApplyOutcome o : controlPlane.store().apply(name, yaml, ConfigStore.API_SOURCE)) {
      if (o.rejected()) {
        throw new IllegalStateException("demo config rejected: " + o.errorMessages());
      }
    }
  }

  private int app(String service, String version, Optional<DemoApp.Downstream> downstream) throws IOException {
    DemoApp app = DemoApp.start(service, version, 0, downstream);
    running.add(app);
    return app.port();
  }

  private void sidecar(String xds, PluginHost plugins, String workload, String service, String version,
      int appPort, int outboundPort) throws IOException {
    ProxyNode node = new ProxyNode(
        ProxyNode.nodeId(ProxyNode.Type.SIDECAR, "127.0.0.1", workload, "default", "cluster.local"),
        ProxyNode.Type.SIDECAR, "127.0.0.1", workload, "default", service,
        Map.of("app", service, "version", version), service, OptionalInt.of(appPort), freePort(),
        outboundPort);
    startProxy(xds, plugins, node);
  }

  private void startProxy(String xds, PluginHost plugins, ProxyNode node) throws IOException {
    ProxyRuntime proxy = ProxyRuntime.startMesh(
        new MeshProxyOptions(xds, node, new InetSocketAddress("127.0.0.1", freePort())), 1, plugins);
    running.add(() -> proxy.drainAndStop(Duration.ZERO));
  }

  private void awaitGateway() throws IOException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = client.send(
            HttpRequest.newBuilder(gatewayUrl()).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("backend")) {
          return;
        }
        last = "HTTP " + r.statusCode() + " " + r.body().strip();
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the gateway", e);
      }
      try {
        Thread.sleep(200); // polling a process that is still configuring itself; not a request path
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the gateway", e);
      }
    }
    throw new IOException("the gateway did not serve the demo within " + READY_TIMEOUT.toSeconds()
        + " s; last answer: " + last);
  }

  /** The gateway's URL. */
  public URI gatewayUrl() {
    return URI.create("http://127.0.0.1:" + gatewayPort + "/");
  }

  /** The control plane's API URL (for bowlinectl --server). */
  public URI apiUrl() {
    return URI.create("http://127.0.0.1:" + controlPlane.apiAddress().getPort());
  }

  /** The running control plane. */
  public ControlPlane controlPlane() {
    return controlPlane;
  }

  @Override
  public void close() {
    for (int i = running.size() - 1; i >= 0; i--) {
      try {
        running.get(i).close();
      } catch (Exception e) {
        log.warn("stopping {} failed", running.get(i), e);
      }
    }
    running.clear();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
