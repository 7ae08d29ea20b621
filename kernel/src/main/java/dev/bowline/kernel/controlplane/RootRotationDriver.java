package dev.bowline.kernel.controlplane;

import dev.bowline.kernel.citadel.IssuanceListener;
import dev.bowline.kernel.citadel.RootRotationControl;
import dev.bowline.kernel.citadel.RootRotationStatus;
import dev.bowline.kernel.citadel.RootRotationStatus.Step;
import dev.bowline.kernel.pilot.xds.TrustBundleClient;
import dev.bowline.kernel.pilot.xds.TrustBundleSecret;
import dev.bowline.proxy.identity.ChainRoots;
import dev.bowline.proxy.tls.CertifiedKey;
import dev.bowline.spi.ca.CertificateAuthority;
import dev.bowline.spi.ca.CertificateAuthorityException;
import dev.bowline.spi.ca.RootRotation;
import dev.bowline.spi.model.SpiffeId;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a root rotation ({@code bowlinectl ca rotate}) through the CA's {@link RootRotation}
 * steps, moving on only when every proxy is ready for the next one, so that no handshake fails:
 *
 * <ol>
 *   <li>{@link RootRotation#prepare}: both roots are trusted; the bundle is pushed ({@code ROOTCA})
 *       and the driver waits until every client subscribed to it acknowledged that version.
 *   <li>{@link RootRotation#activate}: the new root signs and leads the bundle. The control
 *       plane's own certificate is renewed at once; each proxy sees the bundle's first root change
 *       and renews within seconds. The driver waits until every proxy holds the new bundle and a
 *       certificate under the new root: the one it opened ADS with, or one Citadel issued to it
 *       since (the request names its node, believed only when that node proved the same identity).
 *   <li>{@link RootRotation#retire}: the old root leaves the bundle; the driver waits until every
 *       client acknowledged it, and the rotation is done.
 * </ol>
 *
 * <p>A client that disconnects stops being waited for. One that never gets ready keeps the
 * rotation waiting, safely: both roots stay trusted until it does (the status names it). A control
 * plane restarted half way resumes from the CA's phase ({@link #resume}). A CA step that fails is
 * retried at the next tick, its error kept in the status.
 *
 * <p><b>Threading.</b> Steps and checks run on {@code executor} (one thread; the CA may block
 * there, never an event loop). {@link #start}, {@link #status} and {@link #issued} are thread-safe.
 */
final class RootRotationDriver implements IssuanceListener, RootRotationControl {

  private static final Logger log = LoggerFactory.getLogger(RootRotationDriver.class);
  static final Duration DEFAULT_TICK = Duration.ofMillis(500);
  private static final String CONTROL_PLANE = "control plane";

  private record Issued(SpiffeId identity, List<X509Certificate> chain) {}

  private final CertificateAuthority ca;
  private final Supplier<List<TrustBundleClient>> clients;
  private final Consumer<String> requestPush;
  private final Supplier<CertifiedKey> ownCertificate;
  private final Runnable renewOwnCertificate;
  private final ScheduledExecutorService executor;
  private final Clock clock;
  private final Duration tick;
  private final Map<String, Issued> issuedByNode = new ConcurrentHashMap<>();

  private volatile Step step = Step.IDLE;
  private volatile List<String> waitingFor = List.of();
  private volatile Optional<Instant> startedAt = Optional.empty();
  private volatile Optional<Instant> finishedAt = Optional.empty();
  private volatile Optional<String> lastError = Optional.empty();
  private String lastLogged = "";

  RootRotationDriver(CertificateAuthority ca, Supplier<List<TrustBundleClient>> clients,
      Consumer<String> requestPush, Supplier<CertifiedKey> ownCertificate, Runnable renewOwnCertificate,
      ScheduledExecutorService executor, Clock clock, Duration tick) {
    this.ca = Objects.requireNonNull(ca, "ca");
    this.clients = Objects.requireNonNull(clients, "clients");
    this.requestPush = Objects.requireNonNull(requestPush, "requestPush");
    this.ownCertificate = Objects.requireNonNull(ownCertificate, "ownCertificate");
    this.renewOwnCertificate = Objects.requireNonNull(renewOwnCertificate, "renewOwnCertificate");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.tick = Objects.requireNonNull(tick, "tick");
  }

  @Override
  public synchronized RootRotationStatus start() {
    RootRotation rotation = rotation();
    if (step != Step.IDLE) {
      return status();
    }
    issuedByNode.clear();
    startedAt = Optional.of(clock.instant());
    finishedAt = Optional.empty();
    lastError = Optional.empty();
    step = switch (rotation.phase()) {
      case IDLE, PREPARED -> Step.DISTRIBUTING_BOTH_ROOTS;
      case ACTIVATED -> Step.REISSUING;
    };
    log.info("root rotation started");
    executor.execute(() -> prepare(rotation));
    return status();
  }

  /** Picks up a rotation a previous run of the control plane left half way. */
  synchronized void resume() {
    Optional<RootRotation> rotation = ca.rootRotation();
    if (rotation.isEmpty() || rotation.get().phase() == RootRotation.Phase.IDLE || step != Step.IDLE) {
      return;
    }
    startedAt = Optional.of(clock.instant());
    step = rotation.get().phase() == RootRotation.Phase.PREPARED ? Step.DISTRIBUTING_BOTH_ROOTS : Step.REISSUING;
    log.info("resuming the root rotation left in phase {}: {}", rotation.get().phase(), step.description());
    requestPush("root rotation resumed");
    schedule();
  }

  @Override
  public RootRotationStatus status() {
    RootRotation.Phase phase = ca.rootRotation().map(RootRotation::phase).orElse(RootRotation.Phase.IDLE);
    return new RootRotationStatus(phase, step, ca.trustBundle(), waitingFor, startedAt, finishedAt, lastError);
  }

  @Override
  public void issued(SpiffeId identity, Optional<String> nodeId, List<X509Certificate> chain) {
    nodeId.ifPresent(id -> issuedByNode.put(id, new Issued(identity, chain)));
  }

  private RootRotation rotation() {
    return ca.rootRotation().orElseThrow(() -> new UnsupportedOperationException(
        "the certificate authority " + ca + " does not rotate its own root: it signs with a key the operator"
            + " manages; rotate that CA's files and restart the control plane"));
  }

  private void prepare(RootRotation rotation) {
    if (rotation.phase() == RootRotation.Phase.IDLE && !runStep("prepare", rotation::prepare)) {
      schedule(() -> prepare(rotation));
      return;
    }
    requestPush("root rotation: new root trusted");
    schedule();
  }

  private void check() {
    RootRotation rotation = ca.rootRotation().orElseThrow();
    List<X509Certificate> bundle = ca.trustBundle();
    String version = TrustBundleSecret.versionOf(bundle);
    List<String> pending = new ArrayList<>();
    for (TrustBundleClient client : clients.get()) {
      if (!client.heldVersion().equals(version)) {
        pending.add(client.nodeId() + ": does not hold the current trust bundle yet");
      } else if (step == Step.REISSUING && !hasCertificateUnder(client, bundle.get(0))) {
        pending.add(client.nodeId() + ": holds no certificate under the new root yet");
      }
    }
    if (step == Step.REISSUING && !ChainRoots.issuedUnder(ownCertificate.get().chain(), bundle.get(0))) {
      pending.add(CONTROL_PLANE + ": its own certificate is not under the new root yet");
    }
    waitingFor = List.copyOf(pending);
    logOnce(pending);
    if (!pending.isEmpty()) {
      schedule();
      return;
    }
    switch (step) {
      case DISTRIBUTING_BOTH_ROOTS -> {
        if (runStep("activate", rotation::activate)) {
          step = Step.REISSUING;
          renewOwnCertificate.run();
          requestPush("root rotation: new root signs");
        }
        schedule();
      }
      case REISSUING -> {
        if (runStep("retire", rotation::retire)) {
          step = Step.DISTRIBUTING_NEW_ROOT;
          requestPush("root rotation: old root retired");
        }
        schedule();
      }
      case DISTRIBUTING_NEW_ROOT -> {
        synchronized (this) {
          step = Step.IDLE;
          finishedAt = Optional.of(clock.instant());
        }
        log.info("root rotation done: every proxy holds a certificate under the new root and trusts only it");
      }
      case IDLE -> { }
    }
  }

  private boolean hasCertificateUnder(TrustBundleClient client, X509Certificate root) {
    if (client.identity().isEmpty()) {
      return true; // a client with no certificate (plaintext port) has none to renew
    }
    if (ChainRoots.issuedUnder(client.adsChain(), root)) {
      return true;
    }
    Issued issued = issuedByNode.get(client.nodeId());
    return issued != null && issued.identity().equals(client.identity().get())
        && ChainRoots.issuedUnder(issued.chain(), root);
  }

  private interface CaStep {
    void run() throws CertificateAuthorityException;
  }

  private boolean runStep(String name, CaStep caStep) {
    try {
      caStep.run();
      lastError = Optional.empty();
      log.info("root rotation: {} done", name);
      return true;
    } catch (CertificateAuthorityException | RuntimeException e) {
      String message = name + " failed: " + e.getMessage();
      if (!lastError.equals(Optional.of(message))) {
        log.warn("root rotation: {}; retrying", message);
      }
      lastError = Optional.of(message);
      return false;
    }
  }

  private void logOnce(List<String> pending) {
    String summary = step + " " + pending;
    if (!summary.equals(lastLogged)) {
      lastLogged = summary;
      if (!pending.isEmpty()) {
        log.info("root rotation: {} ({} pending, e.g. {})", step.description(), pending.size(), pending.get(0));
      }
    }
  }

  private void requestPush(String reason) {
    requestPush.accept(reason);
  }

  private void schedule() {
    schedule(this::check);
  }

  private void schedule(Runnable task) {
    try {
      executor.schedule(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          log.warn("root rotation check failed; retrying", e);
          schedule();
        }
      }, tick.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      log.debug("root rotation stopped with the control plane");
    }
  }
}
