package dev.bowline.kernel.demo;

import dev.bowline.kernel.controlplane.ControlPlane;
import dev.bowline.kernel.controlplane.ControlPlaneOptions;
import dev.bowline.kernel.demo.bookinfo.BookinfoKind;
import dev.bowline.kernel.demo.bookinfo.BookinfoOptions;
import dev.bowline.kernel.demo.bookinfo.BookinfoService;
import dev.bowline.kernel.demo.bookinfo.Upstreams;
import dev.bowline.kernel.pilot.config.ApplyOutcome;
import dev.bowline.kernel.pilot.config.ConfigStore;
import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.kernel.proxy.MeshProxyOptions;
import dev.bowline.kernel.proxy.ProxyRuntime;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bowline demo}: Istio's Bookinfo on this machine, in one process, with nothing else
 * installed. The control plane; productpage v1, details v1, reviews v1, v2 and v3 and ratings v1
 * (the Java Bookinfo of {@link dev.bowline.kernel.demo.bookinfo}), each application with its own
 * sidecar (real proxies, configured over ADS, talking over real sockets); an ingress gateway. It
 * applies the samples Istio's tasks start from: the services ({@code
 * platform/bowline/bookinfo-services.yaml}), the gateway ({@code networking/bookinfo-gateway.yaml})
 * and the default destination rules ({@code networking/destination-rule-all.yaml}). Traffic:
 * client → gateway → productpage's sidecar → productpage → its sidecar (outbound) → the sidecar of
 * a details or reviews instance (inbound) → the application, and so on to ratings.
 *
 * <p>Threading: {@link #start}, {@link #add} and {@link #close} from one thread; the accessors
 * from any.
 */
public final class Demo implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Demo.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  /** Bookinfo's services all listen on 9080; callers name it ({@code http://reviews:9080/}). */
  public static final int SERVICE_PORT = 9080;

  private final List<AutoCloseable> running = new ArrayList<>();
  private final List<DemoWorkload> workloads = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> namesTaken = new HashMap<>();
  /** Ports this demo uses or was asked to use: never handed out again by {@link #freePorts}. */
  private final Set<Integer> portsTaken = ConcurrentHashMap.newKeySet();
  private ControlPlane controlPlane;
  private PluginHost plugins;
  private String xds;
  private int gatewayPort;
  private int gatewayAdminPort;

  private Demo() {}

  /**
   * Starts Bookinfo and returns once the product page is served through the gateway with every
   * service answering.
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
    this.plugins = plugins;
    gatewayPort = options.gatewayPort();
    portsTaken.addAll(List.of(options.gatewayPort(), options.xdsPort(), options.apiPort(),
        options.securePort()));
    // The demo's sidecars run in this process and take their configuration in plaintext (the one
    // place Bowline turns plaintext xDS on by itself); VMs may still join over mutual TLS.
    controlPlane = ControlPlane.start(new ControlPlaneOptions(
        Optional.empty(), Optional.of(options.dataDir()),
        new InetSocketAddress("127.0.0.1", options.securePort()),
        Optional.of(new InetSocketAddress("127.0.0.1", options.xdsPort())),
        new InetSocketAddress("127.0.0.1", options.apiPort()),
        MeshSettings.DEFAULTS, Duration.ofSeconds(10), ControlPlaneOptions.DEFAULT_CA), plugins);
    running.add(controlPlane);
    xds = "127.0.0.1:" + controlPlane.plaintextXdsAddress().getPort();

    apply("bookinfo-services", BookinfoSamples.read("platform/bowline/bookinfo-services.yaml"));
    apply("bookinfo-gateway", BookinfoSamples.gateway(gatewayPort));
    apply("destination-rule-all", BookinfoSamples.read("networking/destination-rule-all.yaml"));

    add(BookinfoKind.DETAILS, "v1");
    add(BookinfoKind.RATINGS, "v1");
    add(BookinfoKind.REVIEWS, "v1");
    add(BookinfoKind.REVIEWS, "v2");
    add(BookinfoKind.REVIEWS, "v3");
    add(BookinfoKind.PRODUCTPAGE, "v1");
    int[] gatewayPorts = freePorts(3);
    gatewayAdminPort = gatewayPorts[0];
    ProxyNode gateway = new ProxyNode(
        ProxyNode.nodeId(ProxyNode.Type.ROUTER, "127.0.0.1", "ingressgateway", "istio-system", "cluster.local"),
        ProxyNode.Type.ROUTER, "127.0.0.1", "ingressgateway", "istio-system", "ingressgateway",
        Map.of("istio", "ingressgateway"), "", OptionalInt.empty(), gatewayPorts[1], gatewayPorts[2]);
    ProxyRuntime proxy = ProxyRuntime.startMesh(new MeshProxyOptions(
        xds, gateway, new InetSocketAddress("127.0.0.1", gatewayAdminPort)), 1, plugins);
    running.add(() -> proxy.drainAndStop(Duration.ZERO));
    awaitProductPage();
  }

  /**
   * Applies {@code yaml} (Istio resources) as the control plane's API does for {@code
   * bowlinectl apply}.
   *
   * @throws IllegalArgumentException a resource was rejected; the message says which and why
   */
  public void apply(String source, String yaml) {
    List<String> errors = new ArrayList<>();
    for (ApplyOutcome o : controlPlane.store().apply(source, yaml, ConfigStore.API_SOURCE)) {
      if (o.rejected()) {
        errors.addAll(o.errorMessages());
      }
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(source + " rejected: " + String.join("; ", errors));
    }
  }

  /**
   * Starts one more instance of {@code kind} at {@code version} with its sidecar (labels {@code
   * app=<service>, version=<version>}); it joins its service's endpoints once its sidecar is
   * connected.
   *
   * @throws IOException a port cannot be bound; nothing of it is left running
   */
  public DemoWorkload add(BookinfoKind kind, String version) throws IOException {
    String service = kind.serviceName();
    String base = service + "-" + version;
    int n = namesTaken.merge(base, 1, Integer::sum);
    String name = n == 1 ? base : base + "-" + n;
    // Every port of the workload is chosen at once, the application's too: an application bound
    // to port 0 could be handed the sidecar's outbound port, chosen but not yet bound.
    int[] ports = freePorts(4);
    int outbound = ports[0];
    BookinfoService app = BookinfoService.start(BookinfoOptions.of(
        kind, version, ports[3], Upstreams.viaSidecar(outbound, SERVICE_PORT)).withPodName(name));
    try {
      int admin = ports[1];
      ProxyNode node = new ProxyNode(
          ProxyNode.nodeId(ProxyNode.Type.SIDECAR, "127.0.0.1", name, "default", "cluster.local"),
          ProxyNode.Type.SIDECAR, "127.0.0.1", name, "default", "bookinfo-" + service,
          Map.of("app", service, "version", version), service, OptionalInt.of(app.port()),
          ports[2], outbound);
      ProxyRuntime sidecar = ProxyRuntime.startMesh(
          new MeshProxyOptions(xds, node, new InetSocketAddress("127.0.0.1", admin)), 1, plugins);
      DemoWorkload workload = new DemoWorkload(name, app, sidecar, admin);
      workloads.add(workload);
      running.add(workload::kill);
      return workload;
    } catch (RuntimeException e) {
      app.close();
      throw e;
    }
  }

  /** Every workload started, in order (killed ones included). */
  public List<DemoWorkload> workloads() {
    return List.copyOf(workloads);
  }

  /** The workload named {@code name} ({@code reviews-v2}). */
  public Optional<DemoWorkload> workload(String name) {
    return workloads.stream().filter(w -> w.name().equals(name)).findFirst();
  }

  private void awaitProductPage() throws IOException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = client.send(
            HttpRequest.newBuilder(productPageUrl()).timeout(Duration.ofSeconds(8)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("Reviews served by")
            && !r.body().contains("currently unavailable")) {
          return;
        }
        last = "HTTP " + r.statusCode()
            + (r.body().contains("currently unavailable") ? " (a service is unavailable)" : "");
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the gateway", e);
      }
      try {
        Thread.sleep(200); // polling a mesh that is still configuring itself; not a request path
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the gateway", e);
      }
    }
    throw new IOException("the gateway did not serve Bookinfo within " + READY_TIMEOUT.toSeconds()
        + " s; last answer: " + last);
  }

  /** The gateway's URL. */
  public URI gatewayUrl() {
    return URI.create("http://127.0.0.1:" + gatewayPort + "/");
  }

  /** The product page through the gateway. */
  public URI productPageUrl() {
    return gatewayUrl().resolve("/productpage");
  }

  /** The gateway's admin server. */
  public URI gatewayAdminUrl() {
    return URI.create("http://127.0.0.1:" + gatewayAdminPort + "/");
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

  /** {@code n} distinct free ports of the loopback address, all held open while chosen. */
  /**
   * {@code n} ports free now and not among {@link #portsTaken}, which they join. A port the system
   * hands out again after a caller released it (the gateway's, chosen by whoever started the demo)
   * is skipped, so an application never binds a port the gateway is about to take.
   */
  private int[] freePorts(int n) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[n];
      int found = 0;
      while (found < n) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        held.add(s);
        if (portsTaken.add(s.getLocalPort())) {
          ports[found++] = s.getLocalPort();
        }
      }
      return ports;
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }

}
