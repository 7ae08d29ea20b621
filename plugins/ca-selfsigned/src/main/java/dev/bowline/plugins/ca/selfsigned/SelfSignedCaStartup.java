package dev.bowline.plugins.ca.selfsigned;

import dev.bowline.plugins.ca.issuing.LeafIssuer;
import dev.bowline.spi.ca.RootRotation.Phase;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import org.slf4j.Logger;

/**
 * Brings the self-signed CA's key material up at start: first brings a root rotation's files to a
 * phase ({@link RootRotationFiles#recover}), then loads the current root (and intermediate) from
 * the top of the data directory when they exist, otherwise makes them and stores them; and while
 * a rotation runs, loads the next root (and intermediate) from {@code next/} too. A root is never
 * replaced once stored (only a rotation's retire does that); an intermediate is made under a
 * stored root when the configuration asks for one and none is stored yet.
 *
 * <p>Runs once, on the host thread that makes the CA.
 */
final class SelfSignedCaStartup {

  private SelfSignedCaStartup() {}

  /**
   * The material the CA resumes with, in the rotation phase the files are in.
   *
   * @throws IllegalStateException naming the file, when stored material cannot be used
   */
  static SigningState start(
      SelfSignedCaConfig config, RootRotationFiles files, Instant now, Logger log) {
    SecureRandom random = new SecureRandom();
    try {
      Phase phase = files.recover(log);
      IssuingMaterial current =
          material(config, files.current(), phase == Phase.IDLE, random, now, log);
      if (phase == Phase.IDLE) {
        return SigningState.idle(current);
      }
      IssuingMaterial next = material(config, files.next(), false, random, now, log);
      X509Certificate root = next.root().certificate();
      log.info(
          "a root rotation is {}: the new root {} (serial {}, expires {}) in {}",
          phase,
          root.getSubjectX500Principal().getName(),
          root.getSerialNumber().toString(16),
          root.getNotAfter().toInstant(),
          files.next().dir());
      return SigningState.rotating(phase, current, next);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make the CA's keys: " + e.getMessage(), e);
    }
  }

  /** The root (and intermediate) in {@code files}; a missing root is made if mayMakeRoot. */
  private static IssuingMaterial material(
      SelfSignedCaConfig config,
      CaFiles files,
      boolean mayMakeRoot,
      SecureRandom random,
      Instant now,
      Logger log)
      throws GeneralSecurityException {
    KeyAndCertificate root;
    if (files.hasPair(CaFiles.ROOT_CERT, CaFiles.ROOT_KEY)) {
      root = files.load(CaFiles.ROOT_CERT, CaFiles.ROOT_KEY);
      log.info(
          "loaded the root CA {} from {}",
          root.certificate().getSubjectX500Principal().getName(),
          files.dir());
    } else if (!mayMakeRoot) {
      throw new IllegalStateException(
          files.dir().resolve(CaFiles.ROOT_CERT)
              + " and "
              + files.dir().resolve(CaFiles.ROOT_KEY)
              + " are missing while a root rotation is under way; restore them (the CA never"
              + " replaces key material on its own)");
    } else {
      root = CaCertificates.newRoot(config.keyAlgorithm(), config.trustDomain(), random, now);
      files.store(CaFiles.ROOT_CERT, CaFiles.ROOT_KEY, root);
      log.info(
          "made a new {} root CA for trust domain {} in {}",
          config.keyAlgorithm(),
          config.trustDomain(),
          files.dir());
    }
    requireCurrent(root, files.dir().resolve(CaFiles.ROOT_CERT).toString(), now);
    if (!config.intermediate()) {
      return new IssuingMaterial(root, root, null);
    }
    KeyAndCertificate intermediate;
    if (files.hasPair(CaFiles.CA_CERT, CaFiles.CA_KEY)) {
      intermediate = files.load(CaFiles.CA_CERT, CaFiles.CA_KEY);
      try {
        intermediate.certificate().verify(root.certificate().getPublicKey());
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(
            files.dir().resolve(CaFiles.CA_CERT)
                + " is not signed by the root in "
                + files.dir().resolve(CaFiles.ROOT_CERT));
      }
    } else {
      intermediate =
          CaCertificates.newIntermediate(
              config.keyAlgorithm(), root, config.trustDomain(), random, now);
      files.store(CaFiles.CA_CERT, CaFiles.CA_KEY, intermediate);
      log.info("made a new intermediate CA under the root in {}", files.dir());
    }
    requireCurrent(intermediate, files.dir().resolve(CaFiles.CA_CERT).toString(), now);
    return new IssuingMaterial(root, intermediate, intermediate.certificate());
  }

  private static void requireCurrent(KeyAndCertificate ca, String file, Instant now) {
    if (!ca.certificate().getNotAfter().toInstant().isAfter(now)) {
      throw new IllegalStateException(
          "the CA certificate in "
              + file
              + " expired at "
              + ca.certificate().getNotAfter().toInstant()
              + "; rotate it (move the files away to make new ones)");
    }
    if (ca.certificate().getNotBefore().toInstant().isAfter(now.plus(LeafIssuer.BACKDATE))) {
      throw new IllegalStateException(
          "the CA certificate in "
              + file
              + " is not valid before "
              + ca.certificate().getNotBefore().toInstant()
              + "; check the clock");
    }
  }
}
