package dev.bowline.plugins.ca.selfsigned;

import dev.bowline.plugins.ca.issuing.LeafIssuer;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes the self-signed CA's own certificates: a root ({@code CN=Bowline root CA, O=<trust
 * domain>}, path length 1) and an intermediate under it ({@code CN=Bowline intermediate CA}, path
 * length 0, expiring with the root). Both are {@code cA true} with keyCertSign and cRLSign,
 * critical, and carry key identifiers.
 *
 * <p>Stateless and thread-safe.
 */
final class CaCertificates {

  /** How long a root lives: ten years. */
  static final Duration ROOT_VALIDITY = Duration.ofDays(3650);

  private static final SecureRandom RANDOM = new SecureRandom();

  private CaCertificates() {}

  /** A root with a fresh key. */
  static KeyAndCertificate newRoot(
      KeyAlgorithm algorithm, String trustDomain, SecureRandom random, Instant now)
      throws GeneralSecurityException {
    KeyPair key = algorithm.generate(random);
    return new KeyAndCertificate(key, root(key, trustDomain, now));
  }

  /** An intermediate with a fresh key, under {@code root}. */
  static KeyAndCertificate newIntermediate(
      KeyAlgorithm algorithm,
      KeyAndCertificate root,
      String trustDomain,
      SecureRandom random,
      Instant now)
      throws GeneralSecurityException {
    KeyPair key = algorithm.generate(random);
    return new KeyAndCertificate(
        key,
        intermediate(key, root.certificate(), root.keyPair().getPrivate(), trustDomain, now));
  }

  static X509Certificate root(KeyPair key, String trustDomain, Instant now)
      throws GeneralSecurityException {
    X500Name name = name("Bowline root CA", trustDomain);
    return build(name, name, key, key.getPrivate(), null, now, now.plus(ROOT_VALIDITY), 1);
  }

  static X509Certificate intermediate(
      KeyPair key, X509Certificate root, PrivateKey rootKey, String trustDomain, Instant now)
      throws GeneralSecurityException {
    X500Name issuer = X500Name.getInstance(root.getSubjectX500Principal().getEncoded());
    return build(
        name("Bowline intermediate CA", trustDomain),
        issuer,
        key,
        rootKey,
        root,
        now,
        root.getNotAfter().toInstant(),
        0);
  }

  private static X500Name name(String commonName, String trustDomain) {
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, trustDomain)
        .addRDN(BCStyle.CN, commonName)
        .build();
  }

  private static X509Certificate build(
      X500Name subject,
      X500Name issuerName,
      KeyPair key,
      PrivateKey signingKey,
      X509Certificate issuer,
      Instant now,
      Instant notAfter,
      int pathLength)
      throws GeneralSecurityException {
    try {
      JcaX509ExtensionUtils ids = new JcaX509ExtensionUtils();
      JcaX509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              issuerName,
              new BigInteger(128, RANDOM).setBit(127),
              Date.from(now.minus(LeafIssuer.BACKDATE)),
              Date.from(notAfter),
              subject,
              key.getPublic());
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(pathLength))
          .addExtension(
              Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(
              Extension.subjectKeyIdentifier,
              false,
              ids.createSubjectKeyIdentifier(key.getPublic()))
          .addExtension(
              Extension.authorityKeyIdentifier,
              false,
              ids.createAuthorityKeyIdentifier(
                  issuer == null ? key.getPublic() : issuer.getPublicKey()));
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder(LeafIssuer.signatureAlgorithm(signingKey))
                      .build(signingKey)));
    } catch (CertIOException | OperatorCreationException e) {
      throw new GeneralSecurityException("cannot build a CA certificate: " + e.getMessage(), e);
    }
  }
}
