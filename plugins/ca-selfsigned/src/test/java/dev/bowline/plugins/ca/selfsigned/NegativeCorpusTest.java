package dev.bowline.plugins.ca.selfsigned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.spi.ca.CertificateAuthority;
import dev.bowline.spi.ca.CertificateAuthorityException;
import dev.bowline.spi.model.SpiffeId;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile CSRs (asking for other identities, for CA powers, for other usages, with misleading
 * subjects and absurd lifetimes) signed by the CA in both of its shapes: whatever is asked, what
 * comes back keeps every X.509-SVID rule and carries exactly the identity Citadel passed; an
 * identity from another trust domain is never signed.
 */
class NegativeCorpusTest {

  private static final SpiffeId REVIEWS =
      SpiffeId.forServiceAccount("cluster.local", "default", "reviews");

  @TempDir Path dir;

  static List<KeyPair> keys() throws Exception {
    KeyPairGenerator p384 = KeyPairGenerator.getInstance("EC");
    p384.initialize(new ECGenParameterSpec("secp384r1"));
    return List.of(TestPki.ec(), TestPki.rsa(2048), p384.generateKeyPair());
  }

  static List<Extensions> requestedExtensions() throws Exception {
    List<Extensions> all = new ArrayList<>();
    all.add(null);
    all.add(
        new Extensions(
            new Extension(
                Extension.subjectAlternativeName,
                true,
                new GeneralNames(
                        new GeneralName[] {
                          new GeneralName(
                              GeneralName.uniformResourceIdentifier,
                              "spiffe://cluster.local/ns/kube-system/sa/admin"),
                          new GeneralName(
                              GeneralName.uniformResourceIdentifier,
                              "spiffe://evil.example.com/ns/default/sa/reviews")
                        })
                    .getEncoded())));
    all.add(
        new Extensions(
            new Extension(
                Extension.subjectAlternativeName,
                false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, "*.example.com"))
                    .getEncoded())));
    all.add(
        new Extensions(
            new Extension(Extension.basicConstraints, true, new BasicConstraints(5).getEncoded())));
    all.add(
        new Extensions(
            new Extension(
                Extension.keyUsage,
                true,
                new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature)
                    .getEncoded())));
    all.add(
        new Extensions(
            new Extension(
                Extension.extendedKeyUsage,
                false,
                new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning).getEncoded())));
    return all;
  }

  static final List<String> SUBJECTS =
      List.of("", "CN=spiffe://cluster.local/ns/default/sa/admin", "O=Evil Corp, CN=admin");
  static final List<Duration> TTLS =
      List.of(Duration.ofSeconds(1), Duration.ofHours(1), Duration.ZERO, Duration.ofDays(1000));

  private CertificateAuthority start(Path data, Map<String, Object> config) {
    SelfSignedCaFactory factory = new SelfSignedCaFactory();
    return factory.newAuthority(
        factory.parseConfig(config).value(), new TestContext(data));
  }

  @Test
  void whateverTheCsrAsksEveryIssuedChainKeepsTheRules() throws Exception {
    List<CertificateAuthority> cas =
        List.of(
            start(dir.resolve("plain"), Map.of()),
            start(
                dir.resolve("intermediate"), Map.of("intermediate", true, "keyAlgorithm", "RSA")));
    List<KeyPair> keys = keys();
    int issued = 0;
    for (CertificateAuthority ca : cas) {
      for (KeyPair key : keys) {
        for (Extensions extensions : requestedExtensions()) {
          for (String subject : SUBJECTS) {
            byte[] csr = TestPki.csr(key, subject, extensions);
            // Every lifetime with every CA and key; rotated over the rest to keep the run short.
            for (Duration ttl : List.of(TTLS.get(issued % TTLS.size()))) {
              Instant before = Instant.now();
              List<X509Certificate> chain = ca.sign(csr, REVIEWS, ttl);
              X509Certificate leaf = chain.get(0);
              String input =
                  "key "
                      + key.getPublic().getAlgorithm()
                      + ", extensions "
                      + extensions
                      + ", subject '"
                      + subject
                      + "', ttl "
                      + ttl;
              assertThat(SvidRules.violations(chain, REVIEWS, ca.trustBundle(), before))
                  .as(input)
                  .isEmpty();
              assertThat(leaf.getSubjectAlternativeNames())
                  .as(input)
                  .containsExactly(List.of(6, REVIEWS.toString()));
              assertThat(leaf.getSubjectX500Principal().getName()).as(input).isEmpty();
              assertThat(leaf.getBasicConstraints()).as(input).isEqualTo(-1);
              assertThat(leaf.getKeyUsage()[5]).as(input).isFalse();
              assertThat(leaf.getExtendedKeyUsage()).as(input).doesNotContain("1.3.6.1.5.5.7.3.3");
              assertThat(leaf.getNotAfter().toInstant())
                  .as(input)
                  .isBeforeOrEqualTo(Instant.now().plus(Duration.ofDays(90)));
              assertThat(leaf.getPublicKey()).isEqualTo(key.getPublic());
              assertThat(chain).doesNotContainAnyElementsOf(ca.trustBundle());
              if (!ttl.isZero() && ttl.compareTo(Duration.ofDays(90)) <= 0) {
                assertThat(leaf.getNotAfter().toInstant())
                    .as(input)
                    .isBeforeOrEqualTo(before.plus(ttl).plusSeconds(1));
              }
              issued++;
            }
          }
        }
      }
    }
    assertThat(issued).isEqualTo(2 * 3 * 6 * 3);
  }

  @Test
  void anIdentityOfAnotherTrustDomainIsNeverSigned() throws Exception {
    CertificateAuthority ca = start(dir.resolve("plain"), Map.of("trustDomain", "cluster.local"));
    List<SpiffeId> foreign =
        List.of(
            SpiffeId.parse("spiffe://evil.example.com/ns/default/sa/reviews"),
            SpiffeId.parse("spiffe://cluster.local.evil.com/ns/default/sa/reviews"),
            SpiffeId.parse("spiffe://local/ns/default/sa/reviews"),
            SpiffeId.parse("spiffe://cluster.locall/ns/default/sa/reviews"));
    for (SpiffeId identity : foreign) {
      for (Extensions extensions : requestedExtensions()) {
        byte[] csr = TestPki.csr(TestPki.ec(), "", extensions);
        assertThatThrownBy(() -> ca.sign(csr, identity, Duration.ofHours(1)))
            .as(identity.toString())
            .isInstanceOf(CertificateAuthorityException.class)
            .hasMessageContaining("outside this CA's trust domain");
      }
    }
  }
}
