package dev.bowline.plugins.ca.issuing;

import dev.bowline.spi.ca.CertificateAuthorityException;
import dev.bowline.spi.model.SpiffeId;
import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * Builds one X.509-SVID leaf: the CSR's public key (after checking its signature), the given SPIFFE
 * ID as the only, critical, URI SAN, an empty subject, {@code cA false}, digitalSignature (and
 * keyEncipherment for RSA), serverAuth and clientAuth, key identifiers, a random 128-bit serial,
 * and a validity from one minute ago to {@code notAfter}. Nothing else of the CSR is used.
 * (Shared by the CA plugins, each bundling its own copy of this library.)
 *
 * <p>Thread-safe: immutable but for a {@link SecureRandom}, which is.
 */
public final class LeafIssuer {

  public static final Duration BACKDATE = Duration.ofMinutes(1);
  private final X509Certificate issuer;
  private final PrivateKey issuerKey;
  private final SecureRandom random = new SecureRandom();

  public LeafIssuer(X509Certificate issuer, PrivateKey issuerKey) {
    this.issuer = issuer;
    this.issuerKey = issuerKey;
  }

  public X509Certificate issue(byte[] csrDer, SpiffeId identity, Instant now, Instant notAfter)
      throws CertificateAuthorityException {
    PublicKey key = verifiedKey(csrDer);
    try {
      Instant notBefore = max(now.minus(BACKDATE), issuer.getNotBefore().toInstant());
      JcaX509v3CertificateBuilder leaf =
          new JcaX509v3CertificateBuilder(
              issuer,
              new BigInteger(128, random).setBit(127),
              Date.from(notBefore),
              Date.from(notAfter),
              new X500Name(new org.bouncycastle.asn1.x500.RDN[0]),
              key);
      JcaX509ExtensionUtils ids = new JcaX509ExtensionUtils();
      byte[] issuerSki = issuer.getExtensionValue(Extension.subjectKeyIdentifier.getId());
      leaf.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(
              Extension.keyUsage,
              true,
              new KeyUsage(
                  key instanceof RSAKey
                      ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment
                      : KeyUsage.digitalSignature))
          .addExtension(
              Extension.extendedKeyUsage,
              false,
              new ExtendedKeyUsage(
                  new KeyPurposeId[] {
                    KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                  }))
          .addExtension(
              Extension.subjectAlternativeName,
              true,
              new GeneralNames(
                  new GeneralName(GeneralName.uniformResourceIdentifier, identity.toString())))
          .addExtension(Extension.subjectKeyIdentifier, false, ids.createSubjectKeyIdentifier(key))
          .addExtension(
              Extension.authorityKeyIdentifier,
              false,
              issuerSki == null
                  ? ids.createAuthorityKeyIdentifier(issuer.getPublicKey())
                  : new AuthorityKeyIdentifier(
                      SubjectKeyIdentifier.getInstance(
                              ASN1OctetString.getInstance(issuerSki).getOctets())
                          .getKeyIdentifier()));
      return new JcaX509CertificateConverter()
          .getCertificate(
              leaf.build(
                  new JcaContentSignerBuilder(signatureAlgorithm(issuerKey)).build(issuerKey)));
    } catch (Exception e) {
      throw new CertificateAuthorityException("signing failed: " + e, e);
    }
  }

  /** The CSR's public key once its signature verifies with it (proof of possession). */
  private static PublicKey verifiedKey(byte[] csrDer) throws CertificateAuthorityException {
    JcaPKCS10CertificationRequest csr;
    PublicKey key;
    try {
      csr = new JcaPKCS10CertificationRequest(csrDer);
      key = csr.getPublicKey();
    } catch (Exception e) {
      throw new CertificateAuthorityException("malformed CSR: " + e.getMessage(), e);
    }
    boolean strong =
        key instanceof RSAKey rsa
            ? rsa.getModulus().bitLength() >= 2048
            : key instanceof ECKey ec && ec.getParams().getCurve().getField().getFieldSize() >= 256;
    if (!strong) {
      throw new CertificateAuthorityException(
          "CSR key "
              + key.getAlgorithm()
              + " is not accepted: use EC on P-256 or larger, or RSA of 2048 bits or more");
    }
    try {
      if (csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
        return key;
      }
    } catch (Exception e) {
      throw new CertificateAuthorityException(
          "CSR signature cannot be checked: " + e.getMessage(), e);
    }
    throw new CertificateAuthorityException(
        "CSR signature does not verify with its public key: no proof of possession");
  }

  public static String signatureAlgorithm(PrivateKey key) {
    if (key instanceof ECKey ec) {
      return ec.getParams().getCurve().getField().getFieldSize() > 256
          ? "SHA384withECDSA"
          : "SHA256withECDSA";
    }
    return "SHA256withRSA";
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
