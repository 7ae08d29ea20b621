package dev.bowline.kernel.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.proxy.admin.AdminServer;
import dev.bowline.proxy.config.BootstrapLoader;
import dev.bowline.proxy.config.ConfigDumpJson;
import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.config.ProxyConfig;
import dev.bowline.proxy.identity.WorkloadIdentity;
import dev.bowline.proxy.identity.WorkloadSecrets;
import dev.bowline.proxy.server.ProxyServer;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.tls.WorkloadSecretSource;
import dev.bowline.proxy.xds.ProxyServerSink;
import dev.bowline.proxy.xds.XdsClient;
import dev.bowline.proxy.xds.XdsClientConfig;
import dev.bowline.proxy.xds.XdsStatus;
import dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers;
import dev.bowline.spi.filter.HttpFilterFactory;
import dev.bowline.spi.lb.LoadBalancerFactory;
import dev.bowline.spi.plugin.FactoryRegistry;
import java.io.IOException;
import java.nio.file.Files;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running proxy process: the plugin balancers wired into the proxy, the bootstrap applied, the
 * admin server up. The composition root for {@code bowline proxy}.
 *
 * <p><b>Threading.</b> {@link #drainAndStop} may be called from any thread (signal handler, admin
 * {@code /quitquitquit}); it runs once.
 */
public final class ProxyRuntime {

  private static final Logger log = LoggerFactory.getLogger(ProxyRuntime.class);

  private final ProxyServer server;
  private final AdminServer admin;
  private volatile XdsClient xds;
  private volatile WorkloadIdentity identity;
  private volatile JoinedIdentity joined;
  private volatile WorkloadSecrets secrets;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean stopping = new AtomicBoolean();

  private ProxyRuntime(ProxyServer server, AdminServer admin) {
    this.server = server;
    this.admin = admin;
  }

  /**
   * Starts a proxy that takes its whole configuration from the control plane over ADS, as a
   * sidecar or gateway of the mesh. It starts with no listeners and opens them as the control
   * plane sends them; when the control plane is away it keeps its last config and reconnects.
   *
   * <p>With {@link MeshProxyOptions#join()} it first gets its workload certificate from Citadel
   * with the join token, keeps it renewed ({@link WorkloadIdentity}, installed in {@link
   * #workloadSecrets()}), and opens ADS over mutual TLS with it once the first one is in; the
   * channel reads the current certificate at each handshake, so a renewal needs no reconnection.
   * Without, ADS runs in plaintext and the proxy has no identity.
   */
  public static ProxyRuntime startMesh(MeshProxyOptions options, int concurrency, PluginHost plugins) {
    long start = System.nanoTime();
    WorkloadSecrets joined = options.join().isPresent() ? new WorkloadSecrets() : null;
    ProxyServer server = newServer(concurrency, plugins, Optional.ofNullable(joined));
    try {
      server.apply(new ProxyConfig(Optional.of(options.admin()), List.of(), List.of()));
    } catch (ConfigException e) {
      server.close();
      throw new IllegalStateException("an empty configuration was refused: " + e.getMessage(), e);
    }
    ProxyRuntime[] self = new ProxyRuntime[1];
    AdminServer admin;
    try {
      admin = AdminServer.start(options.admin(), server, () -> self[0].xdsDump(options),
          () -> CertificatesDump.json(Optional.ofNullable(self[0].secrets), Clock.systemUTC()),
          () -> self[0].drainAndStop(Duration.ZERO));
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    ProxyRuntime runtime = new ProxyRuntime(server, admin);
    self[0] = runtime;
    ChannelCredentials credentials = InsecureChannelCredentials.create();
    if (options.join().isPresent()) {
      JoinedIdentity identity = JoinedIdentity.start(options.join().get(), joined, options.controlPlane(),
          options.node().id());
      credentials = identity.credentials();
      runtime.secrets = joined;
      runtime.joined = identity;
      runtime.identity = identity.identity();
    }
    Optional<Consumer<List<X509Certificate>>> bundleFromControlPlane =
        joined == null ? Optional.empty() : Optional.of(joined::installTrustBundle);
    XdsClient client = new XdsClient(
        new XdsClientConfig(options.controlPlane(), announced(options).toEnvoyNode()),
        new ProxyServerSink(server), server.metrics(), credentials, bundleFromControlPlane);
    runtime.xds = client;
    if (runtime.identity == null) {
      client.start();
    } else {
      runtime.identity.first().thenRun(() -> {
        if (!runtime.stopping.get()) {
          log.info("workload certificate in: opening ADS to {} over mutual TLS", options.controlPlane());
          try {
            client.start();
          } catch (IllegalStateException stoppedMeanwhile) {
            log.debug("the proxy stopped before ADS opened");
          }
        }
      });
    }
    log.info("proxy {} started in {} ms; admin on {}; configuration from the control plane at {} ({})",
        options.node().id(), Duration.ofNanos(System.nanoTime() - start).toMillis(), admin.address(),
        options.controlPlane(), runtime.identity == null ? "plaintext" : "mutual TLS, joining with a token");
    return runtime;
  }

  /**
   * The node as the proxy announces it: a proxy that joined with a workload identity adds the label
   * {@code security.istio.io/tlsMode: istio}, as Istio's sidecars carry it, which tells Pilot that
   * it can speak the mesh's mutual TLS (and peers that reach it, through its registered endpoint).
   */
  static ProxyNode announced(MeshProxyOptions options) {
    return options.join().isPresent()
        ? options.node().withLabel(ProxyNode.TLS_MODE_LABEL, ProxyNode.TLS_MODE_ISTIO)
        : options.node();
  }

  /** The proxy's workload certificate and trust bundle, when it joined over mutual TLS. */
  public Optional<WorkloadSecrets> workloadSecrets() {
    return Optional.ofNullable(secrets);
  }

  private static ProxyServer newServer(
      int concurrency, PluginHost plugins, Optional<WorkloadSecretSource> workloadSecrets) {
    FactoryRegistry<LoadBalancerFactory<?>> balancers = BuiltinLoadBalancers.newRegistry();
    plugins.factories(LoadBalancerFactory.class).forEach(f -> balancers.register((LoadBalancerFactory<?>) f));
    FactoryRegistry<HttpFilterFactory<?>> filters = new FactoryRegistry<>("HTTP filter");
    plugins.factories(HttpFilterFactory.class).forEach(f -> filters.register((HttpFilterFactory<?>) f));
    return new ProxyServer(
        concurrency, balancers, filters, plugins::contextFor, new MetricRegistry(), workloadSecrets);
  }

  /**
   * The config dump of a mesh proxy, as Envoy's {@code /config_dump} shows it: the node, then the
   * clusters, listeners, route configurations and assignments it holds from the control plane with
   * the versions it acknowledged; plus Bowline's {@code xds} section (connected, accepted and
   * rejected responses per type, the last rejection).
   */
  private String xdsDump(MeshProxyOptions options) {
    ObjectMapper json = new ObjectMapper();
    XdsClient client = xds;
    ObjectNode root;
    try {
      root = client == null ? json.createObjectNode()
          : (ObjectNode) json.readTree(ConfigDumpJson.print(client.configDump()));
    } catch (IOException e) {
      root = json.createObjectNode();
      root.put("error", "the configuration cannot be printed: " + e.getMessage());
    }
    if (!root.has("configs")) {
      ObjectNode bootstrap = root.putArray("configs").addObject();
      bootstrap.put("@type", "type.googleapis.com/envoy.admin.v3.BootstrapConfigDump");
      bootstrap.putObject("bootstrap").putObject("node").put("id", options.node().id());
    }
    if (client != null) {
      XdsStatus status = client.status();
      ObjectNode dynamic = root.putObject("xds");
      dynamic.put("control_plane", options.controlPlane());
      dynamic.put("connected", status.connected());
      status.types().forEach((type, t) -> {
        ObjectNode n = dynamic.putObject(type.name().toLowerCase(java.util.Locale.ROOT));
        n.put("acked_version", t.ackedVersion());
        n.put("accepted", t.accepted());
        n.put("rejected", t.rejected());
        t.lastRejection().ifPresent(r -> n.put("last_rejection", r));
      });
    }
    try {
      return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (IOException e) {
      return "{\"configs\": []}";
    }
  }

  /**
   * Starts a proxy from {@code bootstrap}.
   *
   * @throws ConfigException naming each problem of the bootstrap; nothing is left running then
   */
  public static ProxyRuntime start(Path bootstrap, int concurrency, PluginHost plugins)
      throws ConfigException {
    long start = System.nanoTime();
    ProxyConfig config = new BootstrapLoader().load(bootstrap);
    ProxyServer server = newServer(concurrency, plugins, Optional.empty());
    try {
      server.apply(config);
    } catch (ConfigException e) {
      server.close();
      throw e;
    }
    String dump = configDump(bootstrap);
    ProxyRuntime[] self = new ProxyRuntime[1];
    AdminServer admin =
        config.admin()
            .map(a -> AdminServer.start(a, server, () -> dump, () -> self[0].drainAndStop(Duration.ZERO)))
            .orElse(null);
    self[0] = new ProxyRuntime(server, admin);
    for (var l : config.listeners()) {
      log.info(
          "listener {} ready on {}", l.name(), server.listenerAddress(l.name()).map(Object::toString).orElse("?"));
    }
    if (admin != null) {
      log.info("admin ready on {}", admin.address());
    }
    log.info("proxy ready in {} ms", Duration.ofNanos(System.nanoTime() - start).toMillis());
    return self[0];
  }

  /** Stops accepting, lets requests in flight finish within {@code drainTime}, then stops. */
  public void drainAndStop(Duration drainTime) {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    JoinedIdentity id = joined;
    if (id != null) {
      id.close();
    }
    XdsClient client = xds;
    if (client != null) {
      client.close(); // no configuration change while draining
    }
    int left = server.drain(drainTime);
    if (left > 0) {
      log.warn("drain time over: closing {} connection(s) still open", left);
    }
    if (admin != null) {
      admin.close();
    }
    server.close();
    stopped.countDown();
  }

  /** Blocks until the proxy has stopped. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }

  /** The proxy server, for tests and the control plane. */
  public ProxyServer server() {
    return server;
  }

  /** The effective configuration in Envoy's {@code /config_dump} shape. */
  private static String configDump(Path bootstrap) {
    try {
      ObjectMapper json = new ObjectMapper();
      Object tree = new ObjectMapper(new YAMLFactory()).readValue(Files.readString(bootstrap), Object.class);
      ObjectNode root = json.createObjectNode();
      ObjectNode entry = root.putArray("configs").addObject();
      entry.put("@type", "type.googleapis.com/envoy.admin.v3.BootstrapConfigDump");
      entry.set("bootstrap", json.valueToTree(tree));
      return json.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (IOException e) {
      return "{\"configs\": []}";
    }
  }
}
