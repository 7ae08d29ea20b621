package dev.bowline.plugins.ca.selfsigned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.spi.ca.CertificateAuthority;
import dev.bowline.spi.ca.CertificateAuthorityException;
import dev.bowline.spi.model.SpiffeId;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class SelfSignedCertificateAuthorityTest {

  private static final SpiffeId REVIEWS =
      SpiffeId.forServiceAccount("cluster.local", "default", "reviews");

  @TempDir Path dir;
  private CertificateAuthority ca;

  @BeforeEach
  void start() {
    SelfSignedCaFactory factory = new SelfSignedCaFactory();
    ca =
        factory.newAuthority(
            factory.parseConfig(Map.of()).value(),
            new TestContext(dir));
  }

  @Test
  void issuesAnX509SvidForTheGivenIdentity() throws Exception {
    Instant before = Instant.now();
    KeyPair key = TestPki.ec();

    List<X509Certificate> chain = ca.sign(TestPki.csr(key), REVIEWS, Duration.ofHours(1));

    assertThat(chain).hasSize(1);
    X509Certificate leaf = chain.get(0);
    assertThat(leaf.getPublicKey()).isEqualTo(key.getPublic());
    assertThat(leaf.getSubjectAlternativeNames())
        .containsExactly(List.of(6, "spiffe://cluster.local/ns/default/sa/reviews"));
    assertThat(leaf.getCriticalExtensionOIDs()).contains("2.5.29.17", "2.5.29.19", "2.5.29.15");
    assertThat(leaf.getSubjectX500Principal().getName()).isEmpty();
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(leaf.getKeyUsage()).startsWith(true, false, false, false, false, false, false);
    assertThat(leaf.getExtendedKeyUsage())
        .containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(leaf.getSerialNumber().bitLength()).isGreaterThanOrEqualTo(64);
    assertThat(leaf.getNotBefore().toInstant())
        .isBeforeOrEqualTo(before.minus(Duration.ofSeconds(59)))
        .isAfter(before.minus(Duration.ofMinutes(2)));
    assertThat(Duration.between(before, leaf.getNotAfter().toInstant()))
        .isBetween(Duration.ofMinutes(59), Duration.ofMinutes(61));
    X509Certificate root = ca.trustBundle().get(0);
    assertThat(keyId(leaf, Extension.authorityKeyIdentifier))
        .isEqualTo(keyId(root, Extension.subjectKeyIdentifier));
    leaf.verify(root.getPublicKey());
    assertThat(SvidRules.violations(chain, REVIEWS, ca.trustBundle(), Instant.now())).isEmpty();
  }

  @Test
  void anRsaKeyAlsoGetsKeyEncipherment() throws Exception {
    X509Certificate leaf =
        ca.sign(TestPki.csr(TestPki.rsa(2048)), REVIEWS, Duration.ofHours(1)).get(0);

    assertThat(leaf.getKeyUsage()).startsWith(true, false, true, false, false, false, false);
  }

  @Test
  void theLifetimeIsShortenedToMaxTtlAndDefaultsToDefaultTtl() throws Exception {
    Instant before = Instant.now();

    X509Certificate capped =
        ca.sign(TestPki.csr(TestPki.ec()), REVIEWS, Duration.ofDays(400)).get(0);
    X509Certificate defaulted = ca.sign(TestPki.csr(TestPki.ec()), REVIEWS, Duration.ZERO).get(0);
    X509Certificate unset = ca.sign(TestPki.csr(TestPki.ec()), REVIEWS, null).get(0);

    assertThat(Duration.between(before, capped.getNotAfter().toInstant()))
        .isBetween(Duration.ofDays(90).minusMinutes(1), Duration.ofDays(90).plusMinutes(1));
    for (X509Certificate leaf : List.of(defaulted, unset)) {
      assertThat(Duration.between(before, leaf.getNotAfter().toInstant()))
          .isBetween(Duration.ofHours(24).minusMinutes(1), Duration.ofHours(24).plusMinutes(1));
    }
  }

  @Test
  void neverOutlivesTheSigner() throws Exception {
    X509Certificate root = ca.trustBundle().get(0);
    RootRotationFiles files = new RootRotationFiles(new CaFiles(dir));
    SigningState material =
        SelfSignedCaStartup.start(
            SelfSignedCaConfig.DEFAULT, files, Instant.now(), LoggerFactory.getLogger("test"));
    Instant nearEnd = root.getNotAfter().toInstant().minus(Duration.ofHours(2));
    SelfSignedConfigured late =
        new SelfSignedConfigured(material, files, Clock.fixed(nearEnd, ZoneOffset.UTC));

    X509Certificate leaf =
        late.ca.sign(TestPki.csr(TestPki.ec()), REVIEWS, Duration.ofHours(24)).get(0);

    assertThat(leaf.getNotAfter()).isEqualTo(root.getNotAfter());
    SelfSignedConfigured afterEnd =
        new SelfSignedConfigured(
            material,
            files,
            Clock.fixed(root.getNotAfter().toInstant().plusSeconds(1), ZoneOffset.UTC));
    assertThatThrownBy(
            () -> afterEnd.ca.sign(TestPki.csr(TestPki.ec()), REVIEWS, Duration.ofHours(1)))
        .isInstanceOf(CertificateAuthorityException.class)
        .hasMessageContaining("expired");
  }

  @Test
  void refusesAnIdentityOfAnotherTrustDomain() {
    SpiffeId foreign = SpiffeId.forServiceAccount("evil.example.com", "default", "reviews");

    assertThatThrownBy(() -> ca.sign(TestPki.csr(TestPki.ec()), foreign, Duration.ofHours(1)))
        .isInstanceOf(CertificateAuthorityException.class)
        .hasMessageContaining("outside this CA's trust domain cluster.local");
  }

  @Test
  void refusesANegativeLifetime() {
    assertThatThrownBy(() -> ca.sign(TestPki.csr(TestPki.ec()), REVIEWS, Duration.ofHours(-1)))
        .isInstanceOf(CertificateAuthorityException.class)
        .hasMessageContaining("negative");
  }

  @Test
  void refusesALifetimeTooShortForWholeSeconds() {
    assertThatThrownBy(() -> ca.sign(TestPki.csr(TestPki.ec()), REVIEWS, Duration.ofNanos(1)))
        .isInstanceOf(CertificateAuthorityException.class)
        .hasMessageContaining("too short");
  }

  @Test
  void aMalformedCsrIsRefusedWithTheReason() {
    for (byte[] junk :
        List.of(new byte[0], new byte[] {0x30, 0x03, 0x02, 0x01}, "hello".getBytes())) {
      assertThatThrownBy(() -> ca.sign(junk, REVIEWS, Duration.ofHours(1)))
          .isInstanceOf(CertificateAuthorityException.class)
          .hasMessageStartingWith("malformed CSR");
    }
  }

  @Test
  void aCsrWhoseSignatureDoesNotVerifyIsRefused() {
    byte[] csr = TestPki.csr(TestPki.ec());
    byte[] tampered = Arrays.copyOf(csr, csr.length);
    tampered[tampered.length - 5] ^= 0x01; // inside the signature

    assertThatThrownBy(() -> ca.sign(tampered, REVIEWS, Duration.ofHours(1)))
        .isInstanceOf(CertificateAuthorityException.class)
        .hasMessageContaining("CSR signature");
  }

  @Test
  void aCsrSignedWithAnotherKeyIsRefused() {
    KeyPair claimed = TestPki.ec();
    KeyPair signer = TestPki.ec();
    byte[] csr = TestPki.csrSignedBy(claimed, signer);

    assertThatThrownBy(() -> ca.sign(csr, REVIEWS, Duration.ofHours(1)))
        .isInstanceOf(CertificateAuthorityException.class)
        .hasMessageContaining("no proof of possession");
  }

  @Test
  void aWeakRsaKeyIsRefused() {
    assertThatThrownBy(() -> ca.sign(TestPki.csr(TestPki.rsa(1024)), REVIEWS, Duration.ofHours(1)))
        .isInstanceOf(CertificateAuthorityException.class)
        .hasMessageContaining("RSA of 2048 bits or more");
  }

  private static byte[] keyId(
      X509Certificate cert, org.bouncycastle.asn1.ASN1ObjectIdentifier oid) {
    byte[] value = ASN1OctetString.getInstance(cert.getExtensionValue(oid.getId())).getOctets();
    return oid.equals(Extension.subjectKeyIdentifier)
        ? SubjectKeyIdentifier.getInstance(value).getKeyIdentifier()
        : AuthorityKeyIdentifier.getInstance(value).getKeyIdentifier();
  }

  /** A CA on the given material and clock. */
  private static final class SelfSignedConfigured {
    final CertificateAuthority ca;

    SelfSignedConfigured(SigningState state, RootRotationFiles files, Clock clock) {
      SelfSignedCaConfig config = SelfSignedCaConfig.DEFAULT;
      ca =
          new SelfSignedCertificateAuthority(
              config,
              new SelfSignedRootRotation(
                  config, state, files, clock, LoggerFactory.getLogger("test")),
              clock);
    }
  }
}
