package dev.bowline.plugins.ca.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.plugins.ca.selfsigned.TestContext;
import dev.bowline.plugins.ca.selfsigned.TestPki;
import dev.bowline.plugins.ca.selfsigned.SvidRules;
import dev.bowline.spi.ca.CertificateAuthority;
import dev.bowline.spi.ca.CertificateAuthorityException;
import dev.bowline.spi.model.SpiffeId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An organization's root and an intermediate under it, as an operator would hand them to {@code
 * bowline.ca.file}; every issued chain is checked with the JDK's PKIX validator (through
 * ca-selfsigned's {@link SvidRules}) against the trust bundle.
 */
class FileCertificateAuthorityTest {

  private static final SpiffeId REVIEWS =
      SpiffeId.forServiceAccount("cluster.local", "default", "reviews");

  @TempDir Path dir;
  private final FileCaFactory factory = new FileCaFactory();
  private KeyPair rootKey;
  private X509Certificate root;
  private KeyPair intermediateKey;
  private X509Certificate intermediate;

  @BeforeEach
  void organizationPki() {
    rootKey = TestPki.ec();
    TestPki.Cert r = new TestPki.Cert().ca(1);
    r.subject = "O=Example Org, CN=Example Root CA";
    r.key = rootKey;
    r.notAfter = Instant.now().plus(Duration.ofDays(3650));
    root = r.build();
    intermediateKey = TestPki.ec();
    intermediate = intermediate(intermediateKey, i -> {});
  }

  private X509Certificate intermediate(
      KeyPair key, java.util.function.Consumer<TestPki.Cert> change) {
    TestPki.Cert i = new TestPki.Cert().ca(0).issuedBy(root, rootKey.getPrivate());
    i.subject = "O=Example Org, CN=Mesh Intermediate CA";
    i.key = key;
    i.notAfter = Instant.now().plus(Duration.ofDays(365));
    change.accept(i);
    return i.build();
  }

  private Path write(String name, Object... objects) throws Exception {
    return Files.writeString(dir.resolve(name), PemFilesTest.pem(objects));
  }

  private CertificateAuthority start(Map<String, Object> extra) {
    Map<String, Object> raw =
        new HashMap<>(
            Map.of(
                "certChainFile",
                dir.resolve("chain.pem").toString(),
                "keyFile",
                dir.resolve("key.pem").toString()));
    raw.putAll(extra);
    return factory.newAuthority(factory.parseConfig(raw).value(), new TestContext("ca-file", Map.of()));
  }

  private void files(X509Certificate signer, KeyPair key, X509Certificate... above)
      throws Exception {
    Object[] chain = new Object[1 + above.length];
    chain[0] = signer;
    System.arraycopy(above, 0, chain, 1, above.length);
    write("chain.pem", chain);
    write("key.pem", new JcaPKCS8Generator(key.getPrivate(), null));
  }

  @Test
  void anIntermediateWithTheRootAtTheEndOfItsChain() throws Exception {
    files(intermediate, intermediateKey, root);
    CertificateAuthority ca = start(Map.of());

    List<X509Certificate> chain = ca.sign(TestPki.csr(TestPki.ec()), REVIEWS, Duration.ofHours(1));

    assertThat(ca.trustBundle()).containsExactly(root);
    assertThat(chain).hasSize(2).doesNotContain(root);
    assertThat(chain.get(1)).isEqualTo(intermediate);
    assertThat(chain.get(0).getIssuerX500Principal())
        .isEqualTo(intermediate.getSubjectX500Principal());
    assertThat(SvidRules.violations(chain, REVIEWS, ca.trustBundle(), Instant.now())).isEmpty();
  }

  @Test
  void anIntermediateWithTheRootsInTheirOwnBundle() throws Exception {
    files(intermediate, intermediateKey);
    TestPki.Cert other = new TestPki.Cert().ca(1);
    other.subject = "O=Example Org, CN=Next Root CA";
    X509Certificate nextRoot = other.build();
    Path bundle = write("roots.pem", root, nextRoot);
    CertificateAuthority ca = start(Map.of("rootCertFile", bundle.toString()));

    List<X509Certificate> chain =
        ca.sign(TestPki.csr(TestPki.rsa(2048)), REVIEWS, Duration.ofHours(1));

    assertThat(ca.trustBundle()).containsExactly(root, nextRoot);
    assertThat(chain).containsSubsequence(List.of(intermediate));
    assertThat(SvidRules.violations(chain, REVIEWS, ca.trustBundle(), Instant.now())).isEmpty();
  }

  @Test
  void aRootUsedDirectlyIsNotSentInTheChain() throws Exception {
    files(root, rootKey);
    CertificateAuthority ca = start(Map.of());

    List<X509Certificate> chain = ca.sign(TestPki.csr(TestPki.ec()), REVIEWS, Duration.ofHours(1));

    assertThat(chain).hasSize(1);
    assertThat(SvidRules.violations(chain, REVIEWS, List.of(root), Instant.now())).isEmpty();
  }

  @Test
  void aTraditionalEcKeyWorksToo() throws Exception {
    files(intermediate, intermediateKey, root);
    Files.writeString(dir.resolve("key.pem"), PemFilesTest.sec1(intermediateKey));

    assertThat(start(Map.of()).sign(TestPki.csr(TestPki.ec()), REVIEWS, Duration.ofHours(1)))
        .hasSize(2);
  }

  @Test
  void noLeafOutlivesTheIntermediate() throws Exception {
    X509Certificate shortLived =
        intermediate(intermediateKey, i -> i.notAfter = Instant.now().plus(Duration.ofHours(2)));
    files(shortLived, intermediateKey, root);

    X509Certificate leaf =
        start(Map.of()).sign(TestPki.csr(TestPki.ec()), REVIEWS, Duration.ofHours(24)).get(0);

    assertThat(leaf.getNotAfter()).isEqualTo(shortLived.getNotAfter());
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefused() throws Exception {
    files(intermediate, TestPki.ec(), root);

    assertThatThrownBy(() -> start(Map.of()))
        .hasMessageContaining("the key in " + dir.resolve("key.pem"))
        .hasMessageContaining(
            "does not belong to the first certificate in " + dir.resolve("chain.pem"));
  }

  @Test
  void aCertificateThatIsNotACaIsRefused() throws Exception {
    X509Certificate leafLike =
        intermediate(
            intermediateKey,
            i -> {
              i.basicConstraints = null;
              i.keyUsage = KeyUsage.digitalSignature | KeyUsage.keyCertSign;
            });
    files(leafLike, intermediateKey, root);

    assertThatThrownBy(() -> start(Map.of()))
        .hasMessageContaining("is not a CA: basicConstraints cA");
  }

  @Test
  void aCaWithoutKeyCertSignIsRefused() throws Exception {
    X509Certificate noSigning = intermediate(intermediateKey, i -> i.keyUsage = KeyUsage.cRLSign);
    files(noSigning, intermediateKey, root);

    assertThatThrownBy(() -> start(Map.of())).hasMessageContaining("lacks keyCertSign");
  }

  @Test
  void anExpiredOrNotYetValidCaIsRefused() throws Exception {
    X509Certificate expired =
        intermediate(
            intermediateKey,
            i -> {
              i.notBefore = Instant.now().minus(Duration.ofDays(30));
              i.notAfter = Instant.now().minus(Duration.ofDays(1));
            });
    files(expired, intermediateKey, root);
    assertThatThrownBy(() -> start(Map.of()))
        .hasMessageContaining("expired at")
        .hasMessageContaining(dir.resolve("chain.pem").toString());

    X509Certificate future =
        intermediate(
            intermediateKey,
            i -> {
              i.notBefore = Instant.now().plus(Duration.ofDays(1));
              i.notAfter = Instant.now().plus(Duration.ofDays(30));
            });
    files(future, intermediateKey, root);
    assertThatThrownBy(() -> start(Map.of())).hasMessageContaining("is not valid before");
  }

  @Test
  void aChainWithoutItsRootNeedsRootCertFile() throws Exception {
    files(intermediate, intermediateKey);

    assertThatThrownBy(() -> start(Map.of()))
        .hasMessageContaining("does not end in a root")
        .hasMessageContaining("rootCertFile");
  }

  @Test
  void aChainThatDoesNotLeadToTheBundleIsRefused() throws Exception {
    files(intermediate, intermediateKey);
    TestPki.Cert other = new TestPki.Cert().ca(1);
    other.subject = "O=Someone Else, CN=Other Root";
    Path bundle = write("roots.pem", other.build());

    assertThatThrownBy(() -> start(Map.of("rootCertFile", bundle.toString())))
        .hasMessageContaining("does not verify against the trust bundle");
  }

  @Test
  void aMissingFileIsNamed() {
    assertThatThrownBy(() -> start(Map.of()))
        .hasMessageContaining(dir.resolve("chain.pem").toString());
  }

  @Test
  void hostileCsrsStillGetOnlyTheRules() throws Exception {
    files(intermediate, intermediateKey, root);
    CertificateAuthority ca = start(Map.of("maxTtl", "48h"));
    List<Extensions> hostile =
        List.of(
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
                                  "spiffe://evil.example.com/ns/x/sa/y")
                            })
                        .getEncoded())),
            new Extensions(
                new Extension(
                    Extension.basicConstraints, true, new BasicConstraints(3).getEncoded())),
            new Extensions(
                new Extension(
                    Extension.keyUsage,
                    true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.digitalSignature).getEncoded())));
    for (Extensions extensions : hostile) {
      for (String subject : List.of("", "CN=spiffe://cluster.local/ns/kube-system/sa/admin")) {
        for (Duration ttl : List.of(Duration.ofMinutes(5), Duration.ofDays(30))) {
          Instant now = Instant.now();
          List<X509Certificate> chain =
              ca.sign(TestPki.csr(TestPki.ec(), subject, extensions), REVIEWS, ttl);
          assertThat(SvidRules.violations(chain, REVIEWS, ca.trustBundle(), now)).isEmpty();
          assertThat(chain.get(0).getNotAfter().toInstant())
              .as("at most the configured 48 h from when it was signed")
              .isBeforeOrEqualTo(Instant.now().plus(Duration.ofHours(48)));
        }
      }
    }
    SpiffeId foreign = SpiffeId.parse("spiffe://example.org/ns/default/sa/reviews");
    assertThatThrownBy(() -> ca.sign(TestPki.csr(TestPki.ec()), foreign, Duration.ofHours(1)))
        .isInstanceOf(CertificateAuthorityException.class)
        .hasMessageContaining("outside this CA's trust domain");
    assertThatThrownBy(() -> ca.sign(new byte[] {1, 2, 3}, REVIEWS, Duration.ofHours(1)))
        .isInstanceOf(CertificateAuthorityException.class)
        .hasMessageStartingWith("malformed CSR");
  }
}
