package dev.bowline.plugins.ca.selfsigned;

import dev.bowline.spi.ca.CertificateAuthority;
import dev.bowline.spi.ca.RootRotation;
import dev.bowline.spi.model.SpiffeId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A self-signed CA started through its factory over a data directory, as the host starts it, with
 * its root rotation; and the PKIX check the rotation tests judge chains by.
 */
record RotatingCa(CertificateAuthority ca, RootRotation rotation) {

  static final SpiffeId REVIEWS = SpiffeId.forServiceAccount("cluster.local", "default", "reviews");

  /** Starts (or restarts) the CA over {@code dir}. */
  static RotatingCa start(Path dir, boolean intermediate) {
    SelfSignedCaFactory factory = new SelfSignedCaFactory();
    CertificateAuthority ca =
        factory.newAuthority(
            factory.parseConfig(Map.of("intermediate", intermediate)).value(),
            new TestContext(dir));
    return new RotatingCa(ca, ca.rootRotation().orElseThrow());
  }

  /** A chain for {@link #REVIEWS} with a fresh key. */
  List<X509Certificate> sign() throws Exception {
    return ca.sign(TestPki.csr(TestPki.ec()), REVIEWS, Duration.ofHours(1));
  }

  /** Whether the JDK's PKIX validator accepts {@code chain} (leaf first, no root) under roots. */
  static boolean validates(List<X509Certificate> chain, List<X509Certificate> roots)
      throws GeneralSecurityException {
    Set<TrustAnchor> anchors = new HashSet<>();
    for (X509Certificate root : roots) {
      anchors.add(new TrustAnchor(root, null));
    }
    PKIXParameters parameters = new PKIXParameters(anchors);
    parameters.setRevocationEnabled(false);
    try {
      CertPathValidator.getInstance("PKIX")
          .validate(CertificateFactory.getInstance("X.509").generateCertPath(chain), parameters);
      return true;
    } catch (CertPathValidatorException e) {
      return false;
    }
  }

  /** The certificates DER-encoded, as Base64, to compare by value. */
  static List<String> encoded(List<X509Certificate> certificates)
      throws CertificateEncodingException {
    List<String> encoded = new ArrayList<>();
    for (X509Certificate certificate : certificates) {
      encoded.add(Base64.getEncoder().encodeToString(certificate.getEncoded()));
    }
    return encoded;
  }

  /** Every regular file under {@code dir}, relative to it, as a string. */
  static List<String> files(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .map(p -> dir.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  /** Whether any file under {@code dir} holds {@code text}. */
  static boolean anyFileHolds(Path dir, String text) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path file : walk.filter(Files::isRegularFile).toList()) {
        if (Files.readString(file).contains(text)) {
          return true;
        }
      }
    }
    return false;
  }
}
