package dev.bowline.proxy.identity;

import dev.bowline.proxy.tls.CertificateSigningRequest;
import dev.bowline.proxy.tls.CertifiedKey;
import dev.bowline.proxy.tls.X509SvidRules;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A proxy's workload identity: its key and certificate, kept current. It makes an EC P-256 key
 * pair in memory (never written, never sent), asks {@link CertificateSource} for a certificate at
 * once, then renews with a fresh key at half of each certificate's lifetime (with jitter, {@link
 * RenewalSchedule}). While the source fails (Citadel unreachable, say) it keeps the certificate it
 * has and retries with backoff. Each new certificate goes to the listener, which swaps it into
 * the TLS contexts for new handshakes; connections already open keep theirs.
 *
 * <p>A chain whose leaf does not carry the key just made, or that is already expired, is a
 * failure like any other: the current certificate stays.
 *
 * <p><b>Threading.</b> Attempts run on {@code scheduler}, one at a time; {@link #current} from any
 * thread.
 */
public final class WorkloadIdentity implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WorkloadIdentity.class);

  private final CertificateSource source;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final Consumer<CertifiedKey> listener;
  private final CompletableFuture<CertifiedKey> first = new CompletableFuture<>();
  private volatile CertifiedKey current;
  private volatile boolean closed;
  // Confined to the scheduler's thread:
  private int failures;
  private ScheduledFuture<?> next;
  private boolean inFlight;
  private boolean renewAfterAnswer;

  private WorkloadIdentity(CertificateSource source, ScheduledExecutorService scheduler, Clock clock,
      Consumer<CertifiedKey> listener) {
    this.source = source;
    this.scheduler = scheduler;
    this.clock = clock;
    this.listener = listener;
  }

  /** Starts: the first request goes out at once. */
  public static WorkloadIdentity start(CertificateSource source, ScheduledExecutorService scheduler, Clock clock,
      Consumer<CertifiedKey> listener) {
    WorkloadIdentity identity = new WorkloadIdentity(Objects.requireNonNull(source, "source"),
        Objects.requireNonNull(scheduler, "scheduler"), Objects.requireNonNull(clock, "clock"),
        Objects.requireNonNull(listener, "listener"));
    scheduler.execute(identity::attempt);
    return identity;
  }

  /** The certificate held now, if one was issued. */
  public Optional<CertifiedKey> current() {
    return Optional.ofNullable(current);
  }

  /** Completes with the first certificate. */
  public CompletableFuture<CertifiedKey> first() {
    return first;
  }

  /**
   * Renews within {@code delay} instead of at the scheduled time (the trust bundle now puts
   * another root first: a root rotation). A request already in flight is answered first, then
   * renewal follows. Never blocks.
   */
  public void renewWithin(Duration delay) {
    scheduler.execute(() -> {
      if (closed) {
        return;
      }
      if (inFlight) {
        renewAfterAnswer = true;
        return;
      }
      schedule(delay);
    });
  }

  private void attempt() {
    if (closed || inFlight) {
      return;
    }
    next = null;
    KeyPair key;
    String csr;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      key = generator.generateKeyPair();
      csr = CertificateSigningRequest.pem(key);
    } catch (GeneralSecurityException e) {
      failed("cannot make a key pair: " + e);
      return;
    }
    CompletableFuture<List<X509Certificate>> answer;
    try {
      answer = source.request(csr, Optional.ofNullable(current));
    } catch (RuntimeException e) {
      failed(e.toString());
      return;
    }
    inFlight = true;
    answer.whenComplete((chain, error) -> scheduler.execute(() -> {
      inFlight = false;
      if (error != null) {
        failed(error.getMessage() != null ? error.getMessage() : error.toString());
      } else {
        received(key, chain);
      }
    }));
  }

  private void received(KeyPair key, List<X509Certificate> chain) {
    if (closed) {
      return;
    }
    if (chain == null || chain.isEmpty() || !chain.get(0).getPublicKey().equals(key.getPublic())) {
      failed("the certificate returned is not for the key sent");
      return;
    }
    X509Certificate leaf = chain.get(0);
    if (!leaf.getNotAfter().toInstant().isAfter(clock.instant())) {
      failed("the certificate returned is already expired");
      return;
    }
    List<X509Certificate> withoutRoot = chain.size() > 1 && isSelfSigned(chain.get(chain.size() - 1))
        ? chain.subList(0, chain.size() - 1) : chain;
    CertifiedKey renewed = new CertifiedKey(List.copyOf(withoutRoot), key.getPrivate());
    current = renewed;
    failures = 0;
    Duration wait = RenewalSchedule.untilRenewal(leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant(),
        clock.instant(), ThreadLocalRandom.current().nextDouble());
    log.info("workload certificate for {} valid until {}; renewal in {} s", identityOf(leaf),
        leaf.getNotAfter().toInstant(), wait.toSeconds());
    try {
      listener.accept(renewed);
    } catch (RuntimeException e) {
      log.warn("installing the new workload certificate failed", e);
    }
    first.complete(renewed);
    if (renewAfterAnswer) {
      renewAfterAnswer = false;
      wait = Duration.ZERO;
    }
    schedule(wait);
  }

  private void failed(String reason) {
    if (closed) {
      return;
    }
    failures++;
    renewAfterAnswer = false; // the retry is the renewal asked for
    CertifiedKey held = current;
    Duration remaining = held == null
        ? Duration.ofDays(1)
        : Duration.between(clock.instant(), held.leaf().getNotAfter().toInstant());
    Duration wait = RenewalSchedule.retryAfter(
        failures, ThreadLocalRandom.current().nextDouble(), remaining);
    log.warn("workload certificate request failed ({}); {}; retrying in {} ms", reason,
        current == null ? "no certificate yet" : "keeping the current one until " + current.leaf().getNotAfter().toInstant(),
        wait.toMillis());
    schedule(wait);
  }

  private void schedule(Duration wait) {
    if (closed) {
      return;
    }
    if (next != null) {
      next.cancel(false);
    }
    next = scheduler.schedule(this::attempt, wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static String identityOf(X509Certificate leaf) {
    try {
      return X509SvidRules.leafId(leaf).toString();
    } catch (java.security.cert.CertificateException e) {
      return leaf.getSubjectX500Principal().getName();
    }
  }

  private static boolean isSelfSigned(X509Certificate c) {
    return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
  }

  /** Stops renewing. The certificate held stays readable. */
  @Override
  public void close() {
    closed = true;
  }
}
