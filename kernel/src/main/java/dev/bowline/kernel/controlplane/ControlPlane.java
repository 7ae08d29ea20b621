package dev.bowline.kernel.controlplane;

import dev.bowline.kernel.api.ApiServer;
import dev.bowline.kernel.citadel.CitadelService;
import dev.bowline.kernel.citadel.JoinTokenStore;
import dev.bowline.kernel.citadel.RootRotationControl;
import dev.bowline.kernel.pilot.config.ConfigDirectoryWatcher;
import dev.bowline.kernel.pilot.config.ConfigStore;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.kernel.pilot.registry.ServiceRegistry;
import dev.bowline.kernel.pilot.registry.embedded.EmbeddedRegistry;
import dev.bowline.kernel.pilot.registry.embedded.SelfRegistrations;
import dev.bowline.kernel.pilot.translate.PushContext;
import dev.bowline.kernel.pilot.translate.XdsTranslator;
import dev.bowline.kernel.pilot.xds.ProxyLifecycleListener;
import dev.bowline.kernel.pilot.xds.TrustBundleSecret;
import dev.bowline.kernel.pilot.xds.XdsPort;
import dev.bowline.kernel.pilot.xds.XdsServer;
import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.tls.CertifiedKey;
import dev.bowline.spi.ca.CertificateAuthority;
import dev.bowline.spi.platform.PlatformAdapter;
import dev.bowline.spi.platform.PlatformAdapterFactory;
import dev.bowline.spi.plugin.ConfigOrError;
import dev.bowline.spi.plugin.PluginContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running control plane, the composition root of {@code bowline control-plane}: Pilot's
 * config store (files and API), the aggregate registry (embedded registry with self-registration,
 * plus every platform adapter plugin), the xDS translator and ADS server, Citadel with its CA
 * plugin, and the HTTP API.
 *
 * <p>Ports: the mutual TLS port (Istio's 15012) serves Citadel's {@code CreateCertificate} (a join
 * token or a workload certificate) and ADS (a workload certificate only; a proxy registers as the
 * identity it proved). Its own certificate is issued in the process by the CA for {@code
 * spiffe://<trust domain>/ns/bowline-system/sa/bowline-control-plane} and renewed at half-life
 * (its key never leaves the process). The plaintext ADS port (15010) runs only when enabled.
 *
 * <p>Data flow: a config change or a registry change asks the ADS server for a push; the server
 * debounces, takes one {@link PushContext} (config snapshot + merged registry) and sends each
 * client its resources. Sidecars that connect register their workload, which is a registry change.
 *
 * <p>Threading: {@link #start} and {@link #close} are called once, from one thread.
 */
public final class ControlPlane implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ControlPlane.class);
  /** None: a request that asks for no lifetime gets the CA's {@code defaultTtl} (24h unless configured). */
  private static final Duration CITADEL_DEFAULT_TTL = Duration.ZERO;
  private static final Duration CITADEL_MAX_TTL = Duration.ofDays(90);

  private static final String SECURE_PORT = "secure";
  private static final String PLAINTEXT_PORT = "plaintext";

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final AtomicBoolean ready = new AtomicBoolean();
  private ConfigStore store;
  private ServiceRegistry registry;
  private XdsServer xds;
  private ApiServer api;
  private CertificateAuthority ca;
  private SecurePortCertificate ownCertificate;
  private RootRotationDriver rotation;
  private boolean plaintext;

  private ControlPlane() {}

  /**
   * Starts everything and returns when the ports are bound and the stored config is loaded.
   *
   * @param plugins the plugin host; its platform adapters become registry sources
   * @throws IOException a port cannot be bound or the data directory cannot be used; nothing is
   *     left running then
   */
  public static ControlPlane start(ControlPlaneOptions options, PluginHost plugins) throws IOException {
    ControlPlane cp = new ControlPlane();
    try {
      cp.startAll(options, plugins);
      return cp;
    } catch (IOException | RuntimeException e) {
      cp.close();
      throw e;
    }
  }

  private void startAll(ControlPlaneOptions options, PluginHost plugins) throws IOException {
    long started = System.nanoTime();
    MetricRegistry metrics = new MetricRegistry();
    store = new ConfigStore(options.mesh(), options.dataDir().map(d -> d.toAbsolutePath().normalize()));
    store.load();

    registry = new ServiceRegistry();
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bowline-pilot-registry");
      t.setDaemon(true);
      return t;
    });
    resources.add(scheduler::shutdownNow);
    EmbeddedRegistry[] embedded = new EmbeddedRegistry[1];
    SelfRegistrations registrations = new SelfRegistrations(
        options.registrationGracePeriod(), scheduler, () -> embedded[0].registrationsChanged(),
        options.dataDir().map(d -> d.resolve("registrations.jsonl")));
    embedded[0] = new EmbeddedRegistry(options.mesh(), registrations, registry.sink(EmbeddedRegistry.SOURCE));
    registrations.restore();

    String trustDomain = options.mesh().trustDomain();
    ca = CertificateAuthorityLoader.load(plugins, options.certificateAuthority());
    resources.add(ca);
    ExecutorService signing = Executors.newFixedThreadPool(2, daemon("bowline-citadel-sign"));
    resources.add(signing::shutdownNow);
    ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(daemon("bowline-citadel-renew"));
    resources.add(renewals::shutdownNow);
    ownCertificate = SecurePortCertificate.start(ca, trustDomain, signing, renewals);
    resources.add(ownCertificate);

    Optional<JoinTokenStore> tokens = Optional.empty();
    if (options.dataDir().isPresent()) {
      tokens = Optional.of(JoinTokenStore.open(
          options.dataDir().get().resolve("citadel").resolve("join-tokens.json"), Clock.systemUTC()));
    }
    ScheduledExecutorService rotationThread =
        Executors.newSingleThreadScheduledExecutor(daemon("bowline-citadel-rotation"));
    resources.add(rotationThread::shutdownNow);
    rotation = new RootRotationDriver(ca, () -> xds.trustBundleClients(), reason -> xds.requestPush(reason),
        ownCertificate::current, ownCertificate::renewNow, rotationThread, Clock.systemUTC(),
        RootRotationDriver.DEFAULT_TICK);
    CitadelService citadel = new CitadelService(ca, tokens.orElse(JoinTokenStore.none(Clock.systemUTC())),
        trustDomain, CITADEL_DEFAULT_TTL, CITADEL_MAX_TTL, signing, rotation);
    List<XdsPort> ports = new ArrayList<>();
    ports.add(new XdsPort(SECURE_PORT, options.secureAddress(), ownCertificate.serverCredentials(), true,
        List.of(citadel.definition())));
    options.plaintextXdsAddress().ifPresent(a -> ports.add(XdsPort.plaintext(PLAINTEXT_PORT, a)));
    plaintext = options.plaintextXdsAddress().isPresent();
    if (plaintext) {
      log.warn("plaintext xDS is enabled on {}: anyone who reaches it gets configuration and may register"
          + " any workload; for local development only", options.plaintextXdsAddress().get());
    }

    XdsTranslator translator = new XdsTranslator();
    xds = XdsServer.builder(translator::translate,
            () -> new PushContext(store.snapshot(), registry.snapshot(), options.mesh()))
        .ports(ports)
        .trustBundle(new TrustBundleSecret(ca::trustBundle))
        .metrics(metrics)
        .lifecycleListener(new ProxyLifecycleListener() {
          @Override
          public void connected(ProxyNode node) {
            registrations.connected(node);
          }

          @Override
          public void disconnected(ProxyNode node) {
            registrations.disconnected(node);
          }
        })
        .start();
    resources.add(xds);

    store.addListener(snapshot -> {
      embedded[0].configChanged(snapshot);
      xds.requestPush("config revision " + snapshot.revision());
    });
    registry.addListener(snapshot -> xds.requestPush("registry"));
    embedded[0].configChanged(store.snapshot());
    startPlatformAdapters(plugins);

    if (options.configDir().isPresent()) {
      ConfigDirectoryWatcher watcher = new ConfigDirectoryWatcher(options.configDir().get(), store);
      resources.add(watcher);
      watcher.start();
    }
    rotation.resume();
    api = ApiServer.start(options.apiAddress(), store, registry, xds, metrics, ready::get, tokens,
        ca::trustBundle, rotation);
    resources.add(api);
    ready.set(true);
    log.info("control plane ready in {} ms: mutual TLS (Citadel, xDS) on {}, plaintext xDS {}, API on {}",
        (System.nanoTime() - started) / 1_000_000, secureAddress(),
        plaintext ? "on " + plaintextXdsAddress() : "off", api.address());
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void startPlatformAdapters(PluginHost plugins) {
    for (PlatformAdapterFactory factory : plugins.factories(PlatformAdapterFactory.class)) {
      PluginContext context = plugins.contextFor(factory);
      ConfigOrError<?> config = factory.parseConfig(context.config());
      if (!config.isOk()) {
        log.error("platform adapter {} is not started: invalid configuration: {}", factory.name(),
            config.errors());
        continue;
      }
      try {
        PlatformAdapter adapter = factory.newAdapter(config.value(), context);
        adapter.start(registry.sink(factory.name()));
        resources.add(adapter);
        log.info("platform adapter {} started", factory.name());
      } catch (RuntimeException e) {
        log.error("platform adapter {} failed to start", factory.name(), e);
      }
    }
  }

  /** The bound mutual TLS address (Citadel and xDS). */
  public InetSocketAddress secureAddress() {
    return new InetSocketAddress("127.0.0.1", xds.port(SECURE_PORT));
  }

  /**
   * The bound plaintext xDS address.
   *
   * @throws IllegalStateException when plaintext xDS is not enabled
   */
  public InetSocketAddress plaintextXdsAddress() {
    if (!plaintext) {
      throw new IllegalStateException("plaintext xDS is not enabled");
    }
    return new InetSocketAddress("127.0.0.1", xds.port(PLAINTEXT_PORT));
  }

  /** The roots that verify what Citadel issues, the control plane's certificate included. */
  public List<X509Certificate> trustBundle() {
    return ca.trustBundle();
  }

  /** Root rotations of Citadel's CA. */
  public RootRotationControl rootRotation() {
    return rotation;
  }

  /** The control plane's own certificate now. */
  public CertifiedKey ownCertificate() {
    return ownCertificate.current();
  }

  /** The bound API address. */
  public InetSocketAddress apiAddress() {
    return api.address();
  }

  /** The config store. */
  public ConfigStore store() {
    return store;
  }

  /** The merged registry. */
  public ServiceRegistry registry() {
    return registry;
  }

  /** The ADS server. */
  public XdsServer xds() {
    return xds;
  }

  @Override
  public void close() {
    ready.set(false);
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        log.warn("closing {} failed", resources.get(i), e);
      }
    }
    resources.clear();
  }

  /** Whether the control plane is serving. */
  public boolean isReady() {
    return ready.get();
  }
}
