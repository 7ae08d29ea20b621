package dev.bowline.kernel.citadel;

import dev.bowline.spi.ca.CertificateAuthority;
import dev.bowline.spi.ca.CertificateAuthorityException;
import dev.bowline.spi.model.SpiffeId;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * A small CA for Citadel's tests: a root that signs leaves with the identity it is given as the
 * only URI SAN and the digitalSignature key usage of an X.509-SVID, after checking the CSR's
 * signature. (The CAs users run are the plugins.)
 */
public final class TestCertificateAuthority implements CertificateAuthority {

  private final KeyPair rootKey = TestCertificateAuthority.ecKeyPair();
  private final X509Certificate root;
  private final AtomicLong serial = new AtomicLong(2);

  public TestCertificateAuthority() throws Exception {
    X500Name name = new X500Name("O=cluster.local,CN=test root");
    Instant now = Instant.now();
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
        Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))), name, rootKey.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
    root = new JcaX509CertificateConverter().getCertificate(b.build(signer()));
  }

  public static KeyPair ecKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private ContentSigner signer() throws Exception {
    return new JcaContentSignerBuilder("SHA256withECDSA").build(rootKey.getPrivate());
  }

  @Override
  public List<X509Certificate> sign(byte[] csrDer, SpiffeId identity, Duration ttl)
      throws CertificateAuthorityException {
    PublicKey key;
    try {
      JcaPKCS10CertificationRequest csr = new JcaPKCS10CertificationRequest(new PKCS10CertificationRequest(csrDer));
      key = csr.getPublicKey();
      if (!csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
        throw new CertificateAuthorityException("the CSR's signature does not verify");
      }
    } catch (CertificateAuthorityException e) {
      throw e;
    } catch (Exception e) {
      throw new CertificateAuthorityException("malformed CSR: " + e.getMessage(), e);
    }
    try {
      Instant now = Instant.now();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
          root, BigInteger.valueOf(serial.getAndIncrement()),
          Date.from(now.minusSeconds(60)), Date.from(now.plus(ttl)), new X500Name(""), key);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.subjectAlternativeName, true,
          new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, identity.toString())));
      return List.of(new JcaX509CertificateConverter().getCertificate(b.build(signer())));
    } catch (Exception e) {
      throw new CertificateAuthorityException("signing failed: " + e.getMessage(), e);
    }
  }

  /** A server certificate for {@code dnsName} (Citadel's own, in TLS tests). */
  X509Certificate serverCertificate(KeyPair key, String dnsName) throws Exception {
    Instant now = Instant.now();
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(root, BigInteger.valueOf(serial.getAndIncrement()),
        Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofHours(1))), new X500Name("CN=" + dnsName),
        key.getPublic());
    b.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
    return new JcaX509CertificateConverter().getCertificate(b.build(signer()));
  }

  @Override
  public List<X509Certificate> trustBundle() {
    return List.of(root);
  }
}
