package dev.bowline.proxy.xds;

import dev.bowline.proxy.stats.MetricRegistry;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ChannelCredentials;
import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's xDS v3 client: one ADS stream (state of the world) to the control plane, driving an
 * {@link XdsConfigSink}.
 *
 * <p>It subscribes to every cluster (CDS) and, once the first clusters are in (or after {@link
 * #INITIAL_FETCH_TIMEOUT} without them), every listener (LDS), so that clusters and their endpoints
 * are applied before the listeners that need them; then to the EDS assignments of the
 * EDS clusters ({@code eds_cluster_config.service_name}, else the cluster's name) and to the route
 * configurations the HTTP connection managers name ({@code rds.route_config_name}), changing those
 * subscriptions as clusters and listeners change; every request lists every name. Each response is
 * validated and applied as {@link XdsUpdateApplier} describes, then ACKed ({@code version_info}
 * and nonce of the response), or else NACKed ({@code version_info} last ACKed, the response's
 * nonce, {@code error_detail} INVALID_ARGUMENT listing the problems) with the last good
 * configuration left running. The node goes on every request.
 *
 * <p>When the stream fails, the proxy keeps running with what it has, and the client reconnects
 * after an exponential backoff with full jitter ({@link XdsClientConfig#initialBackoff()} doubling
 * up to {@link XdsClientConfig#maxBackoff()}, restarting from the initial one once a stream has
 * received a response), then asks again with the versions it holds, so that a server with nothing
 * new sends nothing or the same.
 *
 * <p>One INFO line is logged per applied update and one WARN per NACK; {@link #status()} and the
 * metrics in {@link XdsMetrics} tell the rest.
 *
 * <p><b>Threading.</b> Everything the client does (handling responses, applying them, sending
 * requests, reconnecting) happens on one thread of its own, {@code bowline-xds-N}, so updates are
 * applied one at a time and never on a gRPC or Netty thread. {@link #start()}, {@link #status()}
 * and {@link #close()} may be called from any thread; {@link #close()} waits for an update in
 * progress to finish and leaves no thread of the client behind.
 */
public final class XdsClient implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(XdsClient.class);
  private static final AtomicInteger IDS = new AtomicInteger();

  /** The largest response accepted: big meshes send big snapshots. */
  static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  /** How long listeners wait for the first clusters before being asked for anyway (Envoy's 15 s). */
  public static final Duration INITIAL_FETCH_TIMEOUT = Duration.ofSeconds(15);

  private final XdsClientConfig config;
  private final Node node;
  private final ChannelCredentials credentials;
  private final ScheduledThreadPoolExecutor executor;
  private final XdsUpdateApplier applier;
  private final XdsMetrics metrics;
  private final ExponentialBackoff reconnectBackoff;
  private final Map<XdsResourceType, TypeSubscription> subscriptions =
      new EnumMap<>(XdsResourceType.class);
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile ManagedChannel channel;
  private volatile AdsStream stream;
  private volatile Map<XdsResourceType, XdsStatus.TypeStatus> typeStatus;
  private volatile Thread thread;
  private ScheduledFuture<?> reconnect;

  /** A client over plaintext gRPC. */
  public XdsClient(XdsClientConfig config, XdsConfigSink sink, MetricRegistry metrics) {
    this(config, sink, metrics, InsecureChannelCredentials.create());
  }

  /**
   * A client with the given channel credentials (such as {@code TlsChannelCredentials} for a
   * control plane that speaks TLS).
   */
  public XdsClient(
      XdsClientConfig config,
      XdsConfigSink sink,
      MetricRegistry metrics,
      ChannelCredentials credentials) {
    this(config, sink, metrics, credentials, Optional.empty());
  }

  /**
   * A client that also subscribes to the trust bundle, Istio's SDS secret {@code ROOTCA}, and
   * hands each accepted bundle to {@code trustBundle} (on the client's thread): how a proxy with a
   * workload identity learns new roots, during a root rotation for one.
   */
  public XdsClient(
      XdsClientConfig config,
      XdsConfigSink sink,
      MetricRegistry metrics,
      ChannelCredentials credentials,
      Optional<Consumer<List<X509Certificate>>> trustBundle) {
    this.config = Objects.requireNonNull(config, "config");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.node =
        config.node().getUserAgentName().isEmpty()
            ? config.node().toBuilder().setUserAgentName("bowline").build()
            : config.node();
    this.applier = new XdsUpdateApplier(sink, trustBundle);
    this.metrics = new XdsMetrics(Objects.requireNonNull(metrics, "metrics"), this::connected);
    this.reconnectBackoff = backoff();
    for (XdsResourceType type : XdsResourceType.values()) {
      subscriptions.put(type, new TypeSubscription(type, backoff()));
    }
    if (trustBundle.isPresent()) {
      subscriptions.get(XdsResourceType.SECRET).subscribe(Set.of(XdsUpdateApplier.TRUST_BUNDLE));
    }
    int id = IDS.incrementAndGet();
    this.executor =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread t = new Thread(task, "bowline-xds-" + id);
              t.setDaemon(true);
              thread = t;
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    publishStatus();
  }

  private ExponentialBackoff backoff() {
    return new ExponentialBackoff(config.initialBackoff(), config.maxBackoff(),
        bound -> ThreadLocalRandom.current().nextLong(bound));
  }

  /**
   * Connects and subscribes; returns at once (updates arrive on the client's thread).
   *
   * @throws IllegalStateException if already started or closed
   */
  public void start() {
    if (closed.get() || !started.compareAndSet(false, true)) {
      throw new IllegalStateException("the xDS client was already started or is closed");
    }
    channel =
        Grpc.newChannelBuilder(config.target(), credentials)
            .directExecutor() // callbacks only hand events over to the client's thread
            .maxInboundMessageSize(MAX_RESPONSE_BYTES)
            .build();
    log.info("xds: connecting to {} as node '{}'", config.target(), node.getId());
    executor.execute(this::openStream);
  }

  /**
   * What the proxy holds from the control plane as Envoy's admin {@code ConfigDump} (for {@code
   * /config_dump}): the node and the accepted clusters, listeners, routes and assignments as
   * received. Thread-safe.
   */
  public io.envoyproxy.envoy.admin.v3.ConfigDump configDump() {
    return XdsConfigDump.of(node, applier.accepted(), status());
  }

  /** What the client knows now. Thread-safe. */
  public XdsStatus status() {
    return new XdsStatus(connected(), typeStatus);
  }

  /** Whether the ADS stream is open on a ready connection. */
  private boolean connected() {
    AdsStream s = stream;
    ManagedChannel c = channel;
    return s != null && s.isOpen() && c != null
        && c.getState(false) == ConnectivityState.READY;
  }

  /** Stops the stream and the client's thread; the sink keeps what it runs. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(this::stopStream);
    } catch (RejectedExecutionException e) {
      // already shut down
    }
    executor.shutdown();
    boolean onOwnThread = Thread.currentThread() == thread; // from the sink: cannot wait for itself
    try {
      if (!onOwnThread && !executor.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("xds: an update still runs after {}; stopping the client anyway", CLOSE_WAIT);
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    ManagedChannel c = channel;
    if (c != null) {
      c.shutdownNow();
      try {
        c.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    stream = null;
    log.info("xds: client for {} closed", config.target());
  }

  // ---- on the client's thread ------------------------------------------------------------------

  private void openStream() {
    reconnect = null;
    if (closed.get()) {
      return;
    }
    AdsStream s = new AdsStream(channel, executor, new StreamEvents());
    stream = s;
    try {
      channel.resetConnectBackoff(); // the client's own backoff decides when to try again
      s.start();
    } catch (RuntimeException e) {
      log.error("xds: cannot open an ADS stream to {}", config.target(), e);
      handleClosed(s, Status.fromThrowable(e));
      return;
    }
    subscriptions.values().forEach(TypeSubscription::streamStarted);
    boolean clustersKnown = subscriptions.get(XdsResourceType.CLUSTER).everAccepted();
    for (TypeSubscription subscription : subscriptions.values()) {
      if (!subscription.wantsRequest()) {
        continue;
      }
      if (subscription.type() == XdsResourceType.LISTENER && !clustersKnown) {
        // Like Envoy, ask for listeners once the clusters are in (see handleResponse), so that
        // clusters and their endpoints come first; unless CDS says nothing for this long.
        sendLater(subscription, INITIAL_FETCH_TIMEOUT);
      } else {
        send(subscription);
      }
    }
  }

  private void stopStream() {
    if (reconnect != null) {
      reconnect.cancel(false);
      reconnect = null;
    }
    subscriptions.values().forEach(TypeSubscription::cancelPendingRequest);
    AdsStream s = stream;
    stream = null;
    if (s != null) {
      s.cancel();
    }
  }

  private void send(TypeSubscription subscription) {
    AdsStream s = stream;
    if (s != null) {
      s.send(subscription.request(node));
    }
  }

  private void sendLater(TypeSubscription subscription, Duration delay) {
    AdsStream s = stream;
    subscription.pendingRequest(
        executor.schedule(
            () -> {
              if (stream == s) {
                send(subscription);
              }
            },
            delay.toNanos(),
            TimeUnit.NANOSECONDS));
  }

  private void handleResponse(AdsStream s, DiscoveryResponse response) {
    if (s != stream || closed.get()) {
      return;
    }
    s.markResponseReceived();
    XdsResourceType type = XdsResourceType.forTypeUrl(response.getTypeUrl()).orElse(null);
    if (type == null) {
      log.warn("xds: ignoring a response of type {}, which the client did not ask for",
          response.getTypeUrl());
      return;
    }
    TypeSubscription subscription = subscriptions.get(type);
    subscription.received(response);
    XdsUpdateApplier.Result result;
    try {
      result = applier.apply(type, response.getResourcesList());
    } catch (RuntimeException e) {
      log.error("xds: applying {} version {} failed", type.shortName(),
          response.getVersionInfo(), e);
      result = XdsUpdateApplier.Result.rejected(
          List.of("the proxy failed to apply the update: " + e));
    }
    if (result.accepted()) {
      subscription.accepted(response);
      metrics.accepted(type);
      log.info("xds: applied {} version {}: {}", type.shortName(), response.getVersionInfo(),
          result.summary());
      send(subscription);
      resubscribe(XdsResourceType.ENDPOINT, applier.accepted().edsServiceNames());
      resubscribe(XdsResourceType.ROUTE, applier.accepted().routeNames());
      askForListenersAfterClusters(type);
    } else {
      String error = String.join("\n", result.problems());
      Duration pause = subscription.rejected(response, error);
      metrics.rejected(type);
      log.warn("xds: rejected {} version {} (nonce {}), keeping version '{}': {}",
          type.shortName(), response.getVersionInfo(), response.getNonce(),
          subscription.status().ackedVersion(), error);
      if (pause.isZero()) {
        send(subscription);
      } else {
        sendLater(subscription, pause);
      }
      askForListenersAfterClusters(type);
    }
    publishStatus();
  }

  /** After the first CDS response of a stream, the listeners, if not asked for yet. */
  private void askForListenersAfterClusters(XdsResourceType handled) {
    TypeSubscription listeners = subscriptions.get(XdsResourceType.LISTENER);
    if (handled == XdsResourceType.CLUSTER && !listeners.requestedOnStream()) {
      send(listeners);
    }
  }

  private void resubscribe(XdsResourceType type, Set<String> names) {
    TypeSubscription subscription = subscriptions.get(type);
    if (subscription.subscribe(names) && subscription.wantsRequest()) {
      send(subscription);
    }
  }

  private void handleClosed(AdsStream s, Status status) {
    if (s != stream || closed.get()) {
      return;
    }
    stream = null;
    subscriptions.values().forEach(TypeSubscription::cancelPendingRequest);
    if (s.receivedResponse()) {
      reconnectBackoff.reset();
    }
    Duration delay = reconnectBackoff.next();
    log.warn("xds: ADS stream to {} ended ({}{}); serving the last configuration, reconnecting in"
            + " {} ms", config.target(), status.getCode(),
        status.getDescription() == null ? "" : ": " + status.getDescription(), delay.toMillis());
    reconnect = executor.schedule(this::openStream, delay.toNanos(), TimeUnit.NANOSECONDS);
    publishStatus();
  }

  private void publishStatus() {
    Map<XdsResourceType, XdsStatus.TypeStatus> out = new EnumMap<>(XdsResourceType.class);
    subscriptions.forEach((type, subscription) -> out.put(type, subscription.status()));
    typeStatus = out;
  }

  /** Stream events, on the client's thread; a failure is logged, never silently lost. */
  private final class StreamEvents implements AdsStream.Events {
    @Override
    public void onResponse(AdsStream s, DiscoveryResponse response) {
      try {
        handleResponse(s, response);
      } catch (RuntimeException e) {
        log.error("xds: handling a {} response failed", response.getTypeUrl(), e);
      }
    }

    @Override
    public void onClosed(AdsStream s, Status status) {
      try {
        handleClosed(s, status);
      } catch (RuntimeException e) {
        log.error("xds: handling the end of the ADS stream failed", e);
      }
    }
  }
}
