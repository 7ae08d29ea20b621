package dev.bowline.plugins.ca.selfsigned;

import dev.bowline.plugins.ca.issuing.LeafIssuer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import org.slf4j.Logger;

/**
 * Brings the self-signed CA's key material up at start: loads the root (and intermediate) from
 * {@link CaFiles} when they exist, otherwise makes them and stores them. A root is never replaced
 * once stored; an intermediate is made under the stored root when the configuration asks for one
 * and none is stored yet.
 *
 * <p>Runs once, on the host thread that makes the CA.
 */
final class SelfSignedCaStartup {

  private SelfSignedCaStartup() {}

  /**
   * The root, and the certificate that signs leaves (the intermediate, or the root itself).
   *
   * @throws IllegalStateException naming the file, when stored material cannot be used
   */
  static IssuingMaterial start(SelfSignedCaConfig config, CaFiles files, Instant now, Logger log) {
    SecureRandom random = new SecureRandom();
    try {
      KeyAndCertificate root;
      if (files.hasPair(CaFiles.ROOT_CERT, CaFiles.ROOT_KEY)) {
        root = files.load(CaFiles.ROOT_CERT, CaFiles.ROOT_KEY);
        log.info(
            "loaded the root CA {} from {}",
            root.certificate().getSubjectX500Principal().getName(),
            files.dir());
      } else {
        var key = config.keyAlgorithm().generate(random);
        root = new KeyAndCertificate(key, CaCertificates.root(key, config.trustDomain(), now));
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
        var key = config.keyAlgorithm().generate(random);
        intermediate =
            new KeyAndCertificate(
                key,
                CaCertificates.intermediate(
                    key,
                    root.certificate(),
                    root.keyPair().getPrivate(),
                    config.trustDomain(),
                    now));
        files.store(CaFiles.CA_CERT, CaFiles.CA_KEY, intermediate);
        log.info("made a new intermediate CA under the root in {}", files.dir());
      }
      requireCurrent(intermediate, files.dir().resolve(CaFiles.CA_CERT).toString(), now);
      return new IssuingMaterial(root, intermediate, intermediate.certificate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make the CA's keys: " + e.getMessage(), e);
    }
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
