package dev.bowline.plugins.ca.selfsigned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.spi.ca.CertificateAuthority;
import dev.bowline.spi.model.SpiffeId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SelfSignedCaStorageTest {

  private static final SpiffeId REVIEWS =
      SpiffeId.forServiceAccount("cluster.local", "default", "reviews");

  @TempDir Path temp;
  private final SelfSignedCaFactory factory = new SelfSignedCaFactory();

  private CertificateAuthority start(Path dir, Map<String, Object> config) {
    return factory.newAuthority(
        factory.parseConfig(config).value(), new TestContext(dir));
  }

  @Test
  void theFirstStartMakesATenYearEcRootNamingTheTrustDomainAndStoresItOwnerOnly() throws Exception {
    Path dir = temp.resolve("ca");

    CertificateAuthority ca = start(dir, Map.of("trustDomain", "prod.example.com"));

    X509Certificate root = ca.trustBundle().get(0);
    assertThat(ca.trustBundle()).hasSize(1);
    assertThat(root.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(root.getSubjectX500Principal().getName()).contains("O=prod.example.com");
    assertThat(root.getSubjectX500Principal()).isEqualTo(root.getIssuerX500Principal());
    assertThat(root.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(root.getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(Duration.between(root.getNotBefore().toInstant(), root.getNotAfter().toInstant()))
        .isGreaterThanOrEqualTo(Duration.ofDays(3650));
    root.verify(root.getPublicKey());

    assertThat(Files.getPosixFilePermissions(dir))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.list(dir).map(p -> p.getFileName().toString()).toList())
        .containsExactlyInAnyOrder("root-cert.pem", "root-key.pem");
    for (String file : List.of("root-cert.pem", "root-key.pem")) {
      assertThat(Files.getPosixFilePermissions(dir.resolve(file)))
          .as(file)
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }
    assertThat(Files.readString(dir.resolve("root-key.pem")))
        .startsWith("-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void aLaterStartLoadsTheSameRootAndItsLeavesVerifyAgainstTheFirst() throws Exception {
    Path dir = temp.resolve("ca");
    CertificateAuthority first = start(dir, Map.of());

    CertificateAuthority second = start(dir, Map.of());
    List<X509Certificate> chain =
        second.sign(TestPki.csr(TestPki.ec()), REVIEWS, Duration.ofHours(1));

    assertThat(second.trustBundle()).isEqualTo(first.trustBundle());
    assertThat(SvidRules.violations(chain, REVIEWS, first.trustBundle(), Instant.now())).isEmpty();
  }

  @Test
  void anRsaRootWhenConfigured() throws Exception {
    CertificateAuthority ca = start(temp.resolve("ca"), Map.of("keyAlgorithm", "RSA"));

    assertThat(ca.trustBundle().get(0).getPublicKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(ca.trustBundle().get(0).getSigAlgName()).isEqualToIgnoringCase("SHA256withRSA");
  }

  @Test
  void withAnIntermediateTheChainIsLeafThenIntermediateAndTheRootStaysOut() throws Exception {
    Path dir = temp.resolve("ca");
    CertificateAuthority ca = start(dir, Map.of("intermediate", true));

    List<X509Certificate> chain = ca.sign(TestPki.csr(TestPki.ec()), REVIEWS, Duration.ofHours(1));

    assertThat(chain).hasSize(2);
    X509Certificate intermediate = chain.get(1);
    assertThat(intermediate.getBasicConstraints()).isEqualTo(0);
    assertThat(intermediate.getSubjectX500Principal())
        .isNotEqualTo(intermediate.getIssuerX500Principal());
    assertThat(chain).doesNotContainAnyElementsOf(ca.trustBundle());
    chain.get(0).verify(intermediate.getPublicKey());
    intermediate.verify(ca.trustBundle().get(0).getPublicKey());
    assertThat(SvidRules.violations(chain, REVIEWS, ca.trustBundle(), Instant.now())).isEmpty();
    assertThat(Files.getPosixFilePermissions(dir.resolve("ca-key.pem")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));

    CertificateAuthority restarted = start(dir, Map.of("intermediate", true));
    assertThat(restarted.sign(TestPki.csr(TestPki.ec()), REVIEWS, Duration.ofHours(1)).get(1))
        .isEqualTo(intermediate);
  }

  @Test
  void anIntermediateNotSignedByTheStoredRootIsRefused() throws Exception {
    Path dir = temp.resolve("ca");
    Path other = temp.resolve("other");
    start(dir, Map.of("intermediate", true));
    start(other, Map.of("intermediate", true));
    for (String file : List.of("ca-cert.pem", "ca-key.pem")) {
      Files.writeString(dir.resolve(file), Files.readString(other.resolve(file)));
    }

    assertThatThrownBy(() -> start(dir, Map.of("intermediate", true)))
        .hasMessageContaining(dir.resolve("ca-cert.pem") + " is not signed by the root");
  }

  @Test
  void anExpiredStoredRootIsAnErrorNotANewRoot() throws Exception {
    Path dir = temp.resolve("ca");
    Files.createDirectories(dir);
    java.security.KeyPair key = TestPki.ec();
    TestPki.Cert old = new TestPki.Cert().ca(1);
    old.subject = "O=cluster.local, CN=Bowline root CA";
    old.key = key;
    old.notBefore = Instant.now().minus(Duration.ofDays(20));
    old.notAfter = Instant.now().minus(Duration.ofDays(10));
    new CaFiles(dir).store("root-cert.pem", "root-key.pem", new KeyAndCertificate(key, old.build()));

    assertThatThrownBy(() -> start(dir, Map.of()))
        .hasMessageContaining(dir.resolve("root-cert.pem") + " expired at");
  }

  @Test
  void aCorruptCertificateFileIsAnErrorNamingItAndIsNeverReplaced() throws Exception {
    Path dir = temp.resolve("ca");
    start(dir, Map.of());
    Path cert = dir.resolve("root-cert.pem");
    Files.writeString(
        cert, "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");

    assertThatThrownBy(() -> start(dir, Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(cert.toString());
    assertThat(Files.readString(cert)).contains("not base64 at all!");
  }

  @Test
  void aKeyFileHoldingSomethingElseIsAnErrorNamingIt() throws Exception {
    Path dir = temp.resolve("ca");
    start(dir, Map.of());
    Path key = dir.resolve("root-key.pem");
    Files.writeString(key, Files.readString(dir.resolve("root-cert.pem")));

    assertThatThrownBy(() -> start(dir, Map.of()))
        .hasMessageContaining(key.toString())
        .hasMessageContaining("private key");
  }

  @Test
  void aKeyThatIsNotTheRootsIsRefused() throws Exception {
    Path dir = temp.resolve("ca");
    Path other = temp.resolve("other");
    start(dir, Map.of());
    start(other, Map.of());
    Files.writeString(dir.resolve("root-key.pem"), Files.readString(other.resolve("root-key.pem")));

    assertThatThrownBy(() -> start(dir, Map.of()))
        .hasMessageContaining(dir.resolve("root-key.pem") + " is not the key of the certificate");
  }

  @Test
  void aMissingKeyBesideAnExistingCertificateIsAnErrorNotANewRoot() throws Exception {
    Path dir = temp.resolve("ca");
    start(dir, Map.of());
    Files.delete(dir.resolve("root-key.pem"));

    assertThatThrownBy(() -> start(dir, Map.of()))
        .hasMessageContaining(dir.resolve("root-key.pem") + " is missing");
    assertThat(dir.resolve("root-key.pem")).doesNotExist();
  }

  @Test
  void aKeyOthersMayReadIsRefused() throws Exception {
    Path dir = temp.resolve("ca");
    start(dir, Map.of());
    Files.setPosixFilePermissions(
        dir.resolve("root-key.pem"), PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> start(dir, Map.of()))
        .hasMessageContaining(dir.resolve("root-key.pem").toString())
        .hasMessageContaining("chmod 600");
  }

  @Test
  void withoutADataDirectoryTheErrorNamesTheSetting() throws Exception {
    assertThatThrownBy(
            () -> factory.newAuthority(SelfSignedCaConfig.DEFAULT, new TestContext(Map.of())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no data directory");
  }
}
