package dev.bowline.plugins.ca.file;

import dev.bowline.plugins.ca.issuing.KeyMatch;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The operator's CA as {@code bowline.ca.file} uses it, checked once at start: the signing
 * certificate and key, the certificates between it and the root (sent after every leaf), and the
 * trust bundle. {@link #load} refuses, with a message naming the file, a key that is not the
 * certificate's, a signing certificate that is not a CA (no basicConstraints {@code cA}, or no
 * keyCertSign), a certificate of the chain that has expired or is not yet valid, a chain without a
 * root when no bundle is configured, and a chain that does not verify against the bundle.
 *
 * <p>Immutable and thread-safe.
 *
 * @param signer the certificate that signs leaves
 * @param key its private key
 * @param intermediates the chain after the signer, without any root, possibly empty
 * @param roots the trust bundle
 */
record FileCaMaterial(
    X509Certificate signer,
    PrivateKey key,
    List<X509Certificate> intermediates,
    List<X509Certificate> roots) {

  /** The earliest expiry of the signer and its intermediates: no leaf may outlive it. */
  Instant chainExpiry() {
    Instant expiry = signer.getNotAfter().toInstant();
    for (X509Certificate c : intermediates) {
      expiry = c.getNotAfter().toInstant().isBefore(expiry) ? c.getNotAfter().toInstant() : expiry;
    }
    return expiry;
  }

  static FileCaMaterial load(FileCaConfig config, Instant now) {
    Path chainFile = config.certChainFile();
    List<X509Certificate> chain = PemFiles.certificates(chainFile);
    PrivateKey key = PemFiles.privateKey(config.keyFile());
    X509Certificate signer = chain.get(0);
    if (!KeyMatch.matches(key, signer.getPublicKey())) {
      throw new IllegalStateException(
          "the key in "
              + config.keyFile()
              + " does not belong to the first certificate in "
              + chainFile
              + " ("
              + signer.getSubjectX500Principal().getName()
              + ")");
    }
    if (signer.getBasicConstraints() < 0) {
      throw new IllegalStateException(
          "the first certificate in "
              + chainFile
              + " ("
              + signer.getSubjectX500Principal().getName()
              + ") is not a CA: basicConstraints cA is not"
              + " true; give the CA certificate that signs workload certificates, not a leaf");
    }
    boolean[] usage = signer.getKeyUsage();
    if (usage == null || usage.length < 6 || !usage[5]) {
      throw new IllegalStateException(
          "the first certificate in "
              + chainFile
              + " ("
              + signer.getSubjectX500Principal().getName()
              + ") may not sign certificates: its keyUsage"
              + " lacks keyCertSign");
    }
    for (X509Certificate c : chain) {
      requireValid(c, chainFile, now);
    }
    List<X509Certificate> roots;
    if (config.rootCertFile().isPresent()) {
      roots = PemFiles.certificates(config.rootCertFile().get());
      for (X509Certificate root : roots) {
        requireValid(root, config.rootCertFile().get(), now);
      }
    } else {
      X509Certificate top = chain.get(chain.size() - 1);
      if (!isSelfSigned(top)) {
        throw new IllegalStateException(
            chainFile
                + " does not end in a root (its last certificate, "
                + top.getSubjectX500Principal().getName()
                + ", is not self-signed); end it with the root"
                + " or set rootCertFile");
      }
      roots = List.of(top);
    }
    List<X509Certificate> intermediates = new ArrayList<>();
    for (X509Certificate c : chain.subList(1, chain.size())) {
      if (!roots.contains(c) && !isSelfSigned(c)) {
        intermediates.add(c);
      }
    }
    List<X509Certificate> path = new ArrayList<>();
    path.add(signer);
    path.addAll(intermediates);
    verifyPath(path, roots, now, chainFile);
    return new FileCaMaterial(signer, key, List.copyOf(intermediates), List.copyOf(roots));
  }

  private static void requireValid(X509Certificate c, Path file, Instant now) {
    String who = c.getSubjectX500Principal().getName();
    if (now.isAfter(c.getNotAfter().toInstant())) {
      throw new IllegalStateException(
          "the certificate " + who + " in " + file + " expired at " + c.getNotAfter().toInstant());
    }
    if (now.isBefore(c.getNotBefore().toInstant())) {
      throw new IllegalStateException(
          "the certificate "
              + who
              + " in "
              + file
              + " is not valid before "
              + c.getNotBefore().toInstant());
    }
  }

  private static boolean isSelfSigned(X509Certificate c) {
    if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
      return false;
    }
    try {
      c.verify(c.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static void verifyPath(
      List<X509Certificate> path, List<X509Certificate> roots, Instant now, Path file) {
    try {
      Set<TrustAnchor> anchors = new HashSet<>();
      for (X509Certificate root : roots) {
        anchors.add(new TrustAnchor(root, null));
      }
      PKIXParameters parameters = new PKIXParameters(anchors);
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(now));
      CertPathValidator.getInstance("PKIX")
          .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "the chain in " + file + " does not verify against the trust bundle: " + e.getMessage(),
          e);
    }
  }
}
