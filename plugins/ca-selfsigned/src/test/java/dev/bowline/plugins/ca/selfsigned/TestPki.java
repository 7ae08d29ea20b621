package dev.bowline.plugins.ca.selfsigned;

import dev.bowline.plugins.ca.issuing.LeafIssuer;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Test key pairs, CSRs and certificates built with BouncyCastle, flaws and all. */
public final class TestPki {

  private TestPki() {}

  public static KeyPair ec() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  public static KeyPair rsa(int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(bits);
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** A plain CSR for {@code key} with an empty subject. */
  public static byte[] csr(KeyPair key) {
    return csr(key, "", null);
  }

  /** A CSR with this subject and, if not null, these requested extensions. */
  public static byte[] csr(KeyPair key, String subject, Extensions requested) {
    try {
      PKCS10CertificationRequestBuilder builder =
          new JcaPKCS10CertificationRequestBuilder(new X500Name(subject), key.getPublic());
      if (requested != null) {
        builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, requested);
      }
      return builder
          .build(
              new JcaContentSignerBuilder(LeafIssuer.signatureAlgorithm(key.getPrivate()))
                  .build(key.getPrivate()))
          .getEncoded();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** A CSR that claims {@code claimed}'s public key but is signed with {@code signer}'s key. */
  public static byte[] csrSignedBy(KeyPair claimed, KeyPair signer) {
    try {
      return new JcaPKCS10CertificationRequestBuilder(new X500Name(""), claimed.getPublic())
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate()))
          .getEncoded();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** A certificate under construction: every field and extension can be set, wrongly if wanted. */
  public static final class Cert {
    public String subject = "";
    public KeyPair key = ec();
    public X509Certificate issuer;
    public PrivateKey issuerKey;
    public Instant notBefore = Instant.now().minusSeconds(60);
    public Instant notAfter = Instant.now().plusSeconds(3600);
    public BigInteger serial = BigInteger.ONE.shiftLeft(100).add(BigInteger.valueOf(12345));
    public Integer basicConstraints =
        null; // null: cA false; -1: absent; >= 0: cA true with this path length
    public boolean basicConstraintsCritical = true;
    public int keyUsage = KeyUsage.digitalSignature;
    public boolean keyUsageCritical = true;
    public List<KeyPurposeId> purposes =
        List.of(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
    public List<GeneralName> sans = new ArrayList<>();
    public boolean keyIds = true;

    public Cert san(String uri) {
      sans.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri));
      return this;
    }

    public Cert ca(int pathLength) {
      basicConstraints = pathLength;
      keyUsage = KeyUsage.keyCertSign | KeyUsage.cRLSign;
      purposes = List.of();
      return this;
    }

    public Cert issuedBy(X509Certificate issuer, PrivateKey issuerKey) {
      this.issuer = issuer;
      this.issuerKey = issuerKey;
      return this;
    }

    public X509Certificate build() {
      try {
        JcaX509ExtensionUtils ids = new JcaX509ExtensionUtils();
        X500Name name = new X500Name(subject);
        JcaX509v3CertificateBuilder b =
            issuer == null
                ? new JcaX509v3CertificateBuilder(
                    name, serial, Date.from(notBefore), Date.from(notAfter), name, key.getPublic())
                : new JcaX509v3CertificateBuilder(
                    issuer,
                    serial,
                    Date.from(notBefore),
                    Date.from(notAfter),
                    name,
                    key.getPublic());
        if (basicConstraints == null) {
          b.addExtension(
              Extension.basicConstraints, basicConstraintsCritical, new BasicConstraints(false));
        } else if (basicConstraints >= 0) {
          b.addExtension(
              Extension.basicConstraints,
              basicConstraintsCritical,
              new BasicConstraints(basicConstraints));
        }
        if (keyUsage != 0) {
          b.addExtension(Extension.keyUsage, keyUsageCritical, new KeyUsage(keyUsage));
        }
        if (!purposes.isEmpty()) {
          b.addExtension(
              Extension.extendedKeyUsage,
              false,
              new ExtendedKeyUsage(purposes.toArray(new KeyPurposeId[0])));
        }
        if (!sans.isEmpty()) {
          b.addExtension(
              Extension.subjectAlternativeName,
              subject.isEmpty(),
              new GeneralNames(sans.toArray(new GeneralName[0])));
        }
        if (keyIds) {
          b.addExtension(
              Extension.subjectKeyIdentifier,
              false,
              ids.createSubjectKeyIdentifier(key.getPublic()));
          b.addExtension(
              Extension.authorityKeyIdentifier,
              false,
              ids.createAuthorityKeyIdentifier(
                  issuer == null ? key.getPublic() : issuer.getPublicKey()));
        }
        PrivateKey signer = issuerKey == null ? key.getPrivate() : issuerKey;
        return new JcaX509CertificateConverter()
            .getCertificate(
                b.build(
                    new JcaContentSignerBuilder(LeafIssuer.signatureAlgorithm(signer))
                        .build(signer)));
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
  }
}
