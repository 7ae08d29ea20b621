package dev.bowline.plugins.ca.selfsigned;

import dev.bowline.spi.ca.CertificateAuthorityException;
import dev.bowline.spi.ca.RootRotation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * The self-signed CA's root rotation, and the holder of its {@link SigningState}. {@link
 * #prepare} makes a new root of the configured key algorithm and trust domain (and, with {@code
 * intermediate: true}, an intermediate under it); {@link #activate} signs with it; {@link #retire}
 * makes it the ordinary material at the top of the data directory, deletes the old root's key
 * (and its intermediate's) and archives the old root's certificate. Each step stores its result
 * with {@link RootRotationFiles} before the new state is swapped in and the step returns, so a CA
 * started later over the same directory resumes in the same phase with the same roots.
 *
 * <p><b>Threading.</b> Thread-safe. The steps are serialized (synchronized). {@link #state()} is
 * one volatile read of an immutable state: a signature made concurrently with a step uses the
 * state before it or after it, never a mix.
 */
final class SelfSignedRootRotation implements RootRotation {

  private final SelfSignedCaConfig config;
  private final RootRotationFiles files;
  private final Clock clock;
  private final Logger log;
  private final SecureRandom random = new SecureRandom();
  private volatile SigningState state;

  SelfSignedRootRotation(
      SelfSignedCaConfig config,
      SigningState state,
      RootRotationFiles files,
      Clock clock,
      Logger log) {
    this.config = Objects.requireNonNull(config, "config");
    this.state = Objects.requireNonNull(state, "state");
    this.files = Objects.requireNonNull(files, "files");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.log = Objects.requireNonNull(log, "log");
  }

  /** What the CA signs with and trusts now. */
  SigningState state() {
    return state;
  }

  @Override
  public Phase phase() {
    return state.phase();
  }

  @Override
  public synchronized void prepare() throws CertificateAuthorityException {
    SigningState before = state;
    if (before.phase() == Phase.PREPARED) {
      return;
    }
    require(before, Phase.IDLE, "prepare");
    IssuingMaterial next;
    try {
      Instant now = clock.instant();
      KeyAndCertificate root =
          CaCertificates.newRoot(config.keyAlgorithm(), config.trustDomain(), random, now);
      if (config.intermediate()) {
        KeyAndCertificate intermediate =
            CaCertificates.newIntermediate(
                config.keyAlgorithm(), root, config.trustDomain(), random, now);
        next = new IssuingMaterial(root, intermediate, intermediate.certificate());
      } else {
        next = new IssuingMaterial(root, root, null);
      }
      files.storeNext(next);
    } catch (GeneralSecurityException | IOException | UncheckedIOException e) {
      throw new CertificateAuthorityException(
          "cannot prepare a new root in " + files.next().dir() + ": " + e.getMessage(), e);
    }
    state = before.prepared(next);
    log.info(
        "root rotation prepared: the new root {} (serial {}, expires {}) is trusted after the"
            + " current one, which still signs",
        subject(next.root().certificate()),
        serial(next.root().certificate()),
        expiry(next.root().certificate()));
  }

  @Override
  public synchronized void activate() throws CertificateAuthorityException {
    SigningState before = state;
    if (before.phase() == Phase.ACTIVATED) {
      return;
    }
    require(before, Phase.PREPARED, "activate");
    try {
      files.markActive();
    } catch (IOException | UncheckedIOException e) {
      throw new CertificateAuthorityException(
          "cannot activate the new root in " + files.next().dir() + ": " + e.getMessage(), e);
    }
    state = before.activated();
    X509Certificate root = before.next().root().certificate();
    log.info(
        "root rotation activated: the new root {} (serial {}, expires {}) signs and comes first in"
            + " the trust bundle",
        subject(root),
        serial(root),
        expiry(root));
  }

  @Override
  public synchronized void retire() throws CertificateAuthorityException {
    SigningState before = state;
    if (before.phase() == Phase.IDLE) {
      return;
    }
    require(before, Phase.ACTIVATED, "retire");
    X509Certificate old = before.current().root().certificate();
    try {
      files.retire(old);
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      throw new CertificateAuthorityException(
          "cannot retire the old root in " + files.current().dir() + ": " + e.getMessage(), e);
    }
    state = before.retired();
    X509Certificate root = before.next().root().certificate();
    log.info(
        "root rotation retired the old root {} (serial {}; its key deleted, its certificate in"
            + " {}): the new root {} (serial {}, expires {}) is the only one",
        subject(old),
        serial(old),
        files.archive(old),
        subject(root),
        serial(root),
        expiry(root));
  }

  private static void require(SigningState state, Phase expected, String step)
      throws CertificateAuthorityException {
    if (state.phase() != expected) {
      throw new CertificateAuthorityException(
          "cannot "
              + step
              + " a root rotation in phase "
              + state.phase()
              + ": "
              + step
              + " starts from phase "
              + expected
              + "; the next step is "
              + nextStep(state.phase()));
    }
  }

  private static String nextStep(Phase phase) {
    return switch (phase) {
      case IDLE -> "prepare";
      case PREPARED -> "activate";
      case ACTIVATED -> "retire";
    };
  }

  private static String subject(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName();
  }

  private static String serial(X509Certificate certificate) {
    return certificate.getSerialNumber().toString(16);
  }

  private static Instant expiry(X509Certificate certificate) {
    return certificate.getNotAfter().toInstant();
  }

  @Override
  public String toString() {
    return "bowline.ca.selfsigned root rotation{phase=" + state.phase() + "}";
  }
}
