package dev.bowline.kernel.pilot.xds;

import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.kernel.pilot.translate.ProxyResources;
import dev.bowline.kernel.pilot.translate.PushContext;
import dev.bowline.kernel.pilot.xds.ConnectedProxies.Connection;
import dev.bowline.kernel.pilot.xds.ProxyStatus.TypeStatus;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.spi.plugin.PluginMetrics;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pilot's xDS v3 server: serves ADS, and the separate CDS, EDS, LDS and RDS services, state of the
 * world, on each of its gRPC ports ({@link XdsPort}): a plaintext one, or a TLS one whose discovery
 * calls need a workload certificate ({@link ClientCertificateAuthenticator}) and whose clients
 * register only as the identity it proves (see {@link XdsStreamCallbacks}), with other services
 * (Citadel) beside.
 *
 * <p>When the first request of a stream arrives the client's {@code Node} is read ({@link
 * ProxyNode#fromEnvoyNode}); a malformed one fails the stream with {@code INVALID_ARGUMENT} and a
 * message naming the field. The client is registered (a node may hold several streams), its
 * resources are generated at once so its first watch is answered, and the {@link
 * ProxyLifecycleListener} hears of it. {@link #requestPush} asks for a push, debounced: it runs
 * once no request came for the quiet period (100 ms by default), and at the latest the maximum
 * delay (10 s) after the first request it coalesces. A push reads one {@link PushContext}, asks the
 * {@link ResourceGenerator} for every connected client's resources and publishes them
 * make-before-break (see {@link SnapshotPublisher}). The context read is the previous push's
 * instance as long as its config and registry snapshots are the same (see {@link
 * LatestPushContext}), so a client that connects between pushes, and a push with nothing changed,
 * reuse the generator's memo and the resource objects every other client holds. {@link #statuses()} says where each client
 * stands (acknowledged, behind, rejected); metrics use Istio's names (see {@link XdsMetrics}).
 *
 * <p><b>Threading.</b> Thread-safe. Pushes, and the first generation for a new client, run on one
 * dedicated push thread, never concurrently; lifecycle events are delivered on another dedicated
 * thread, in order, never while a lock is held. Responses are built and sent on a small send pool,
 * each stream's in order ({@link StreamExecutors}). {@link #close()} stops every thread it started.
 */
public final class XdsServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(XdsServer.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();
  private static final Duration SWEEP_DELAY = Duration.ofSeconds(1);
  private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(5);

  private final ResourceGenerator generator;
  private final LatestPushContext contexts;
  private final ProxyLifecycleListener listener;
  private final Clock clock;
  private final String threadPrefix;
  private final ScheduledThreadPoolExecutor pushThread;
  private final ExecutorService eventThread;
  private final ExecutorService grpcExecutor;
  private final ExecutorService sendPool;
  private final EventLoopGroup bossGroup;
  private final EventLoopGroup workerGroup;
  private final ConnectedProxies proxies;
  private final ProxyStatusTracker tracker = new ProxyStatusTracker();
  private final TrustBundleClients trustBundleClients = new TrustBundleClients();
  private final TrustBundleSecret trustBundle;
  private final SnapshotPublisher publisher;
  private final PackedResources packed = new PackedResources();
  private final ChangedAssignments changedAssignments;
  private final PushDebouncer debouncer;
  private final XdsMetrics metrics;
  private final List<Server> servers = new ArrayList<>();
  private final List<String> portNames = new ArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private long pushNumber; // push thread only
  private volatile PushSummary lastPush;

  /** A builder for a server that asks {@code generator} for resources under {@code contexts}. */
  public static Builder builder(ResourceGenerator generator, Supplier<PushContext> contexts) {
    return new Builder(generator, contexts);
  }

  private XdsServer(Builder b) throws IOException {
    this.generator = b.generator;
    this.contexts = new LatestPushContext(b.contexts);
    this.listener = b.listener;
    this.clock = b.clock;
    this.threadPrefix = "bowline-xds-" + INSTANCES.incrementAndGet() + "-";
    this.proxies = new ConnectedProxies(clock);
    this.metrics = new XdsMetrics(b.metrics, proxies::size);
    this.pushThread = new ScheduledThreadPoolExecutor(1, named(threadPrefix + "push"));
    pushThread.setRemoveOnCancelPolicy(true);
    this.eventThread = Executors.newSingleThreadExecutor(named(threadPrefix + "events"));
    this.grpcExecutor = Executors.newCachedThreadPool(named(threadPrefix + "grpc"));
    this.sendPool =
        Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()), named(threadPrefix + "send"));
    this.bossGroup =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory(threadPrefix + "boss", true), NioIoHandler.newFactory());
    this.workerGroup =
        new MultiThreadIoEventLoopGroup(
            Math.max(2, Runtime.getRuntime().availableProcessors()),
            new DefaultThreadFactory(threadPrefix + "worker", true),
            NioIoHandler.newFactory());

    SimpleCache<String> cache = new SimpleCache<>(node -> node.getId());
    AssignmentDigests assignmentDigests = new AssignmentDigests();
    this.publisher =
        new SnapshotPublisher(
            cache, tracker, pushThread, b.stageTimeout, assignmentDigests, b.trustBundle);
    this.trustBundle = b.trustBundle;
    this.changedAssignments = new ChangedAssignments(assignmentDigests);
    this.debouncer = new PushDebouncer(pushThread, b.debounceQuiet, b.debounceMax, this::push);
    XdsStreamCallbacks callbacks =
        new XdsStreamCallbacks(proxies, tracker, metrics, new ConnectionEvents(), trustBundleClients);
    // Each resource object is packed into an Any once, however many clients it goes to; each
    // stream's responses are built and sent on the send pool, in order, outside the cache's lock.
    V3DiscoveryServer discovery =
        new V3DiscoveryServer(
            List.of(callbacks),
            new ChangedAssignmentsConfigWatcher(
                new PresentNamesConfigWatcher(cache), changedAssignments),
            new StreamExecutors(sendPool),
            packed);

    List<XdsPort> ports =
        b.ports.isEmpty()
            ? List.of(new XdsPort("xds", b.address, b.credentials, false, List.of()))
            : b.ports;
    SotwRequestNormalizer normalizer = new SotwRequestNormalizer();
    for (XdsPort port : ports) {
      Server server = startServer(port, discovery, normalizer);
      servers.add(server);
      portNames.add(port.name());
      LOG.info("xDS server: {} listening on {}", port.name(), server.getListenSockets());
    }
  }

  private Server startServer(
      XdsPort port, V3DiscoveryServer discovery, SotwRequestNormalizer normalizer)
      throws IOException {
    Server built = null;
    try {
      NettyServerBuilder serverBuilder =
          NettyServerBuilder.forAddress(port.address(), port.credentials())
              .channelType(NioServerSocketChannel.class)
              .bossEventLoopGroup(bossGroup)
              .workerEventLoopGroup(workerGroup)
              .executor(grpcExecutor)
              .permitKeepAliveTime(5, TimeUnit.SECONDS)
              .permitKeepAliveWithoutCalls(true);
      for (BindableService service :
          List.<BindableService>of(
              discovery.getAggregatedDiscoveryServiceImpl(),
              discovery.getClusterDiscoveryServiceImpl(),
              discovery.getEndpointDiscoveryServiceImpl(),
              discovery.getListenerDiscoveryServiceImpl(),
              discovery.getRouteDiscoveryServiceImpl())) {
        serverBuilder.addService(
            port.requireClientCertificate()
                ? ServerInterceptors.intercept(service, normalizer, new ClientCertificateAuthenticator())
                : ServerInterceptors.intercept(service, normalizer));
      }
      port.otherServices().forEach(serverBuilder::addService);
      built = serverBuilder.build();
      return built.start();
    } catch (IOException | RuntimeException e) {
      if (built != null) {
        built.shutdownNow();
      }
      closed.set(true);
      servers.forEach(Server::shutdownNow);
      stopThreads();
      throw e;
    }
  }

  /**
   * The port the first of the server's ports is bound to (the one chosen when the address asked
   * for port 0).
   */
  public int port() {
    return servers.get(0).getPort();
  }

  /**
   * The bound port of the {@link XdsPort} named {@code name}.
   *
   * @throws IllegalArgumentException if the server has no such port
   */
  public int port(String name) {
    int index = portNames.indexOf(name);
    if (index < 0) {
      throw new IllegalArgumentException("the xDS server has no port named " + name + "; it has " + portNames);
    }
    return servers.get(index).getPort();
  }

  /**
   * Asks for a push to every connected client. Debounced; never blocks.
   *
   * @param reason why (shown in logs and {@link #lastPush()})
   */
  public void requestPush(String reason) {
    debouncer.request(Objects.requireNonNull(reason, "reason"));
  }

  /** Where each connected client stands, by node id. */
  public List<ProxyStatus> statuses() {
    List<ProxyStatus> out = new ArrayList<>();
    for (Connection connection : proxies.all()) {
      out.add(statusOf(connection));
    }
    return out;
  }

  /** Where the connected client {@code nodeId} stands. */
  public Optional<ProxyStatus> status(String nodeId) {
    return proxies.get(nodeId).map(this::statusOf);
  }

  /**
   * The resources last published to the connected client {@code nodeId} (between the two steps of
   * a make-before-break change: the first step's).
   */
  public Optional<ProxyResources> resourcesOf(String nodeId) {
    return proxies.isConnected(nodeId) ? publisher.resourcesOf(nodeId) : Optional.empty();
  }

  /**
   * The connected clients that subscribed to the trust bundle secret, with the version each holds
   * and the certificate each opened ADS with.
   */
  public List<TrustBundleClient> trustBundleClients() {
    return trustBundleClients.all();
  }

  /**
   * The version under which the trust bundle is served now ({@link TrustBundleSecret#versionOf}),
   * {@code ""} without one: a client in {@link #trustBundleClients()} holding it is in sync.
   */
  public String trustBundleVersion() {
    return trustBundle.served().version();
  }

  /** The last push that finished, if any did. */
  public Optional<PushSummary> lastPush() {
    return Optional.ofNullable(lastPush);
  }

  /** How many clients are connected. */
  public int connectedClients() {
    return proxies.size();
  }

  /** The prefix of the names of the threads this server started. */
  String threadNamePrefix() {
    return threadPrefix;
  }

  /**
   * Stops serving: closes every stream, stops the push and event threads and the server's network
   * threads, waiting a few seconds at most for each. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    servers.forEach(Server::shutdownNow);
    for (Server server : servers) {
      await("gRPC server", () -> server.awaitTermination(millis(), TimeUnit.MILLISECONDS));
    }
    stopThreads();
  }

  private void stopThreads() {
    grpcExecutor.shutdown(); // lets the callbacks of closing streams run
    await("gRPC executor", () -> grpcExecutor.awaitTermination(millis(), TimeUnit.MILLISECONDS));
    grpcExecutor.shutdownNow();
    sendPool.shutdownNow();
    await("send pool", () -> sendPool.awaitTermination(millis(), TimeUnit.MILLISECONDS));
    pushThread.shutdownNow();
    await("push thread", () -> pushThread.awaitTermination(millis(), TimeUnit.MILLISECONDS));
    eventThread.shutdown(); // delivers the events already queued
    await("event thread", () -> eventThread.awaitTermination(millis(), TimeUnit.MILLISECONDS));
    eventThread.shutdownNow();
    workerGroup.shutdownGracefully(0, SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    bossGroup.shutdownGracefully(0, SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    await("network threads", () -> workerGroup.awaitTermination(millis(), TimeUnit.MILLISECONDS));
    await("network threads", () -> bossGroup.awaitTermination(millis(), TimeUnit.MILLISECONDS));
  }

  private ProxyStatus statusOf(Connection connection) {
    ProxyNode node = connection.node();
    Map<XdsResourceType, TypeStatus> types = new EnumMap<>(XdsResourceType.class);
    for (XdsResourceType type : XdsResourceType.values()) {
      types.put(type, tracker.status(node.id(), type, publisher.version(node.id(), type)));
    }
    return new ProxyStatus(
        node.id(),
        node.type(),
        node.namespace(),
        node.workloadName(),
        connection.since(),
        connection.streams(),
        types);
  }

  /** On the push thread: one debounced push to every connected client. */
  private void push(PushDebouncer.Batch batch) {
    long started = System.nanoTime();
    long number = ++pushNumber;
    PushContext context;
    try {
      context = contexts.read();
    } catch (RuntimeException e) {
      LOG.error("push {} ({}): reading the push context failed", number, batch.reasons(), e);
      return;
    }
    publisher.newPush();
    packed.newPush();
    List<Connection> clients = proxies.all();
    int failures = 0;
    for (Connection client : clients) {
      if (!generateAndPublish(client.node(), context, number)) {
        failures++;
      }
    }
    publisher.forgetDisconnected(proxies::isConnected);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    metrics.pushTook(took);
    lastPush =
        new PushSummary(
            number,
            batch.reasons(),
            batch.requests(),
            clients.size(),
            failures,
            took,
            clock.instant());
    LOG.debug(
        "push {} to {} clients took {} ms ({} requests: {})",
        number,
        clients.size(),
        took.toMillis(),
        batch.requests(),
        batch.reasons());
  }

  /** On the push thread: the first resources of a client that just opened a stream. */
  private void initialize(String nodeId) {
    Optional<Connection> connection = proxies.get(nodeId);
    if (connection.isEmpty()) {
      return;
    }
    PushContext context;
    try {
      context = contexts.read();
    } catch (RuntimeException e) {
      LOG.error("{}: reading the push context failed", nodeId, e);
      return;
    }
    generateAndPublish(connection.get().node(), context, pushNumber);
  }

  private boolean generateAndPublish(ProxyNode node, PushContext context, long number) {
    try {
      ProxyResources resources = generator.generate(node, context);
      if (resources == null) {
        throw new IllegalStateException("the resource generator returned null");
      }
      publisher.publish(node.id(), resources, number);
      return true;
    } catch (RuntimeException e) {
      LOG.error(
          "{}: its resources could not be generated or published; it keeps what it has",
          node.id(),
          e);
      return false;
    }
  }

  private final class ConnectionEvents implements XdsStreamCallbacks.Events {
    @Override
    public void opened(ProxyNode node, ConnectedProxies.Change change) {
      onPushThread("initialize " + node.id(), () -> initialize(node.id()));
      if (change != ConnectedProxies.Change.SAME) {
        deliver(() -> listener.connected(node));
      }
    }

    @Override
    public void answered(String nodeId) {
      if (publisher.isStaged(nodeId)) {
        onPushThread("settle " + nodeId, () -> publisher.settle(nodeId));
      }
    }

    @Override
    public void lastStreamClosed(ProxyNode node) {
      changedAssignments.forget(node.id());
      deliver(() -> listener.disconnected(node));
      try {
        pushThread.schedule(
            () ->
                guarded(
                    "forgetting disconnected clients",
                    () -> publisher.forgetDisconnected(proxies::isConnected)),
            SWEEP_DELAY.toMillis(),
            TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException closing) {
        // nothing left to forget
      }
    }
  }

  private void onPushThread(String what, Runnable task) {
    try {
      pushThread.execute(() -> guarded(what, task));
    } catch (RejectedExecutionException closing) {
      LOG.debug("server closing: skipped {}", what);
    }
  }

  private void deliver(Runnable event) {
    try {
      eventThread.execute(() -> guarded("lifecycle listener", event));
    } catch (RejectedExecutionException closing) {
      LOG.debug("server closed: a lifecycle event was not delivered");
    }
  }

  private static void guarded(String what, Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      LOG.error("{} failed", what, e);
    }
  }

  private interface Wait {
    boolean await() throws InterruptedException;
  }

  private static long millis() {
    return SHUTDOWN_WAIT.toMillis();
  }

  private static void await(String what, Wait wait) {
    try {
      if (!wait.await()) {
        LOG.warn("{} did not stop within {}", what, SHUTDOWN_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory named(String name) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /**
   * Configures an {@link XdsServer}. Not thread-safe; use it on one thread, then {@link #start()}.
   */
  public static final class Builder {
    private final ResourceGenerator generator;
    private final Supplier<PushContext> contexts;
    private InetSocketAddress address = new InetSocketAddress(15010);
    private ServerCredentials credentials = InsecureServerCredentials.create();
    private final List<XdsPort> ports = new ArrayList<>();
    private TrustBundleSecret trustBundle = TrustBundleSecret.NONE;
    private ProxyLifecycleListener listener = ProxyLifecycleListener.NONE;
    private PluginMetrics metrics = new MetricRegistry();
    private Duration debounceQuiet = Duration.ofMillis(100);
    private Duration debounceMax = Duration.ofSeconds(10);
    private Duration stageTimeout = Duration.ofSeconds(5);
    private Clock clock = Clock.systemUTC();

    private Builder(ResourceGenerator generator, Supplier<PushContext> contexts) {
      this.generator = Objects.requireNonNull(generator, "generator");
      this.contexts = Objects.requireNonNull(contexts, "contexts");
    }

    /** Where to listen; port 0 picks a free one. Default: every interface, port 15010. */
    public Builder address(InetSocketAddress address) {
      this.address = Objects.requireNonNull(address, "address");
      return this;
    }

    /**
     * The transport security: plaintext by default; TLS (Istio's 15012) passes {@code
     * TlsServerCredentials} here.
     */
    public Builder credentials(ServerCredentials credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials");
      return this;
    }

    /**
     * Serves on these ports instead of the one {@link #address} and {@link #credentials}
     * describe: each port serves every discovery service (plus its own other services).
     */
    public Builder ports(List<XdsPort> ports) {
      if (ports.isEmpty()) {
        throw new IllegalArgumentException("an xDS server needs at least one port");
      }
      this.ports.clear();
      this.ports.addAll(ports);
      return this;
    }

    /**
     * Serves the mesh's trust bundle to every client as the SDS secret {@value
     * TrustBundleSecret#NAME} (read at each push). Default: no secret.
     */
    public Builder trustBundle(TrustBundleSecret trustBundle) {
      this.trustBundle = Objects.requireNonNull(trustBundle, "trustBundle");
      return this;
    }

    /** Who hears clients connect and disconnect. Default: nobody. */
    public Builder lifecycleListener(ProxyLifecycleListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Where the server's metrics go. Default: a registry of its own. */
    public Builder metrics(PluginMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /**
     * Push debouncing: a push runs after {@code quiet} without new requests, and at most {@code
     * maxDelay} after the first request it coalesces. Default: 100 ms and 10 s.
     */
    public Builder debounce(Duration quiet, Duration maxDelay) {
      if (quiet.isNegative() || maxDelay.isNegative()) {
        throw new IllegalArgumentException("debounce durations must not be negative");
      }
      this.debounceQuiet = quiet;
      this.debounceMax = maxDelay;
      return this;
    }

    /**
     * How long a client may take to acknowledge new clusters and endpoints before the listeners
     * and routes that use them are published anyway. Default: 5 s.
     */
    public Builder stageTimeout(Duration stageTimeout) {
      if (stageTimeout.isNegative()) {
        throw new IllegalArgumentException("stageTimeout must not be negative");
      }
      this.stageTimeout = stageTimeout;
      return this;
    }

    /** The clock for connection times. Default: the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Starts the server.
     *
     * @throws IOException the address cannot be bound
     */
    public XdsServer start() throws IOException {
      return new XdsServer(this);
    }
  }
}
