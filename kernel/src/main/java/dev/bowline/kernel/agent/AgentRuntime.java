package dev.bowline.kernel.agent;

import dev.bowline.kernel.proxy.JoinCredentials;
import dev.bowline.kernel.proxy.JoinedIdentity;
import dev.bowline.proxy.identity.WorkloadIdentity;
import dev.bowline.proxy.identity.WorkloadSecrets;
import dev.bowline.proxy.tls.CertifiedKey;
import dev.bowline.proxy.tls.X509SvidRules;
import dev.bowline.spi.model.SpiffeId;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running {@code bowline agent}, Istio's pilot-agent for one proxyless gRPC application: the
 * composition root. It gets the workload certificate from Citadel with the join token exactly as a
 * joined proxy does ({@link WorkloadIdentity}, the key made in memory and never written or sent;
 * renewed at half-life and when the signing root changes), serves ADS to the application on a
 * loopback address in plaintext ({@link AdsRelay}), relays each stream to the control plane over
 * mutual TLS with that certificate, and writes the application's gRPC bootstrap ({@link
 * GrpcBootstrapFile}) once it listens.
 *
 * <p><b>Threading.</b> {@link #stop} may be called from any thread (a signal handler) and runs
 * once; the rest is read-only after {@link #start}.
 */
public final class AgentRuntime {

  private static final Logger log = LoggerFactory.getLogger(AgentRuntime.class);

  /** The largest response accepted from the control plane, as the proxy's xDS client: big meshes send big snapshots. */
  private static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
  private static final Duration STOP_WAIT = Duration.ofSeconds(5);

  private final WorkloadSecrets secrets;
  private final WorkloadIdentity identity;
  private final JoinedIdentity joined;
  private final ManagedChannel controlPlane;
  private final AdsRelay relay;
  private final Server server;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean stopping = new AtomicBoolean();

  private AgentRuntime(WorkloadSecrets secrets, WorkloadIdentity identity, JoinedIdentity joined,
      ManagedChannel controlPlane, AdsRelay relay, Server server) {
    this.secrets = secrets;
    this.identity = identity;
    this.joined = joined;
    this.controlPlane = controlPlane;
    this.relay = relay;
    this.server = server;
  }

  /**
   * Starts the agent: asks for the first certificate at once, listens for the application, then
   * writes its bootstrap. Streams the application opens before the certificate is in are held.
   *
   * @throws IOException when the listen address cannot be bound or the bootstrap cannot be
   *     written; nothing is left running then
   */
  public static AgentRuntime start(AgentOptions options) throws IOException {
    long start = System.nanoTime();
    JoinCredentials join = options.join();
    WorkloadSecrets secrets = new WorkloadSecrets();
    JoinedIdentity joined = JoinedIdentity.start(join, secrets, options.controlPlane(), options.node().id());
    WorkloadIdentity identity = joined.identity();
    ChannelCredentials credentials = joined.credentials();
    ManagedChannel controlPlane = Grpc.newChannelBuilder(options.controlPlane(), credentials)
        .maxInboundMessageSize(MAX_RESPONSE_BYTES)
        .build();
    AdsRelay relay = new AdsRelay(controlPlane, options.controlPlane(), identity.first(),
        new IdentityBinding(() -> identityOf(secrets)), secrets);
    Server server = null;
    try {
      server = NettyServerBuilder.forAddress(options.listen(), InsecureServerCredentials.create())
          .addService(relay.service())
          .build()
          .start();
      InetSocketAddress bound = (InetSocketAddress) server.getListenSockets().get(0);
      GrpcBootstrapFile.write(options.grpcBootstrap(), bound, options.node());
    } catch (IOException | RuntimeException e) {
      if (server != null) {
        server.shutdownNow();
      }
      controlPlane.shutdownNow();
      joined.close();
      throw e;
    }
    AgentRuntime agent = new AgentRuntime(secrets, identity, joined, controlPlane, relay, server);
    identity.first().thenAccept(key -> agent.checkIdentity(key, options.node()));
    log.info("agent for node {} started in {} ms: ADS for the application on {} (plaintext, loopback), relayed to"
            + " the control plane at {} over mutual TLS; gRPC bootstrap written to {}", options.node().id(),
        Duration.ofNanos(System.nanoTime() - start).toMillis(), GrpcBootstrapFile.hostPort(agent.listenAddress()),
        options.controlPlane(),
        options.grpcBootstrap());
    return agent;
  }

  /**
   * Warns when the certificate the join token earned is not the identity the bootstrap announces:
   * the application's streams will then be refused, and the operator should know why at once.
   */
  private void checkIdentity(CertifiedKey key, ProxylessNode node) {
    Optional<SpiffeId> proven = identityOf(key);
    if (proven.isEmpty()) {
      return;
    }
    SpiffeId id = proven.get();
    boolean namespaceDiffers = !id.namespace().orElse("").equals(node.namespace());
    boolean serviceAccountDiffers = node.serviceAccount().isPresent()
        && !id.serviceAccount().orElse("").equals(node.serviceAccount().get());
    if (namespaceDiffers || serviceAccountDiffers) {
      log.error("the join token proved {}, but the bootstrap announces namespace '{}'{}: the application's streams"
              + " will be refused; give --namespace and --service-account of the token's identity", id,
          node.namespace(), node.serviceAccount().map(sa -> " and service account '" + sa + "'").orElse(""));
    } else {
      log.info("workload identity {}: serving the application's ADS streams", id);
    }
  }

  private static Optional<SpiffeId> identityOf(WorkloadSecrets secrets) {
    return secrets.certificate().flatMap(AgentRuntime::identityOf);
  }

  private static Optional<SpiffeId> identityOf(CertifiedKey key) {
    try {
      return Optional.of(X509SvidRules.leafId(key.leaf()));
    } catch (CertificateException e) {
      log.warn("the workload certificate carries no SPIFFE identity: {}", e.getMessage());
      return Optional.empty();
    }
  }

  /** Where the application's xDS client connects (the port chosen when the options asked for 0). */
  public InetSocketAddress listenAddress() {
    return (InetSocketAddress) server.getListenSockets().get(0);
  }

  /** The identity the agent proved, once its first certificate is in. */
  public Optional<SpiffeId> identity() {
    return identityOf(secrets);
  }

  /** How many application streams are open now, held ones included. */
  public int openStreams() {
    return relay.openStreams();
  }

  /**
   * Stops: ends every application stream with {@code UNAVAILABLE} (and its upstream stream), stops
   * listening and renewing. Runs once.
   */
  public void stop() {
    if (!stopping.compareAndSet(false, true)) {
      return;
    }
    relay.stop();
    server.shutdown();
    try {
      if (!server.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    controlPlane.shutdownNow();
    joined.close();
    log.info("agent stopped");
    stopped.countDown();
  }

  /** Blocks until the agent has stopped. */
  public void awaitStop() throws InterruptedException {
    stopped.await();
  }
}
