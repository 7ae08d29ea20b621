package dev.bowline.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.proxy.config.CertificateFiles;
import dev.bowline.proxy.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM certificates and keys in the formats openssl writes, and the errors for bad files. */
class PemFilesTest {

  private static final String ENTRY =
      "static_resources.listeners[0].filter_chains[0].transport_socket.typed_config"
          + ".common_tls_context.tls_certificates[0]";
  private static final String KEY_FIELD = ENTRY + ".private_key.filename";
  private static final String CHAIN_FIELD = ENTRY + ".certificate_chain.filename";

  @TempDir static Path dir;
  private static TestPki pki;

  @BeforeAll
  static void makeCertificates() throws Exception {
    pki = TestPki.create(dir);
  }

  @Test
  void loadsPkcs8Pkcs1AndSec1Keys() throws Exception {
    assertThat(load(pki.apiCert, pki.apiKey).keyAlgorithm()).isEqualTo("RSA");
    assertThat(load(pki.apiCert, pki.apiKeyPkcs1).keyAlgorithm()).isEqualTo("RSA");
    assertThat(load(pki.otherCert, pki.otherKeySec1).keyAlgorithm()).isEqualTo("EC");
    assertThat(load(pki.clientCert, pki.clientKey).keyAlgorithm()).isEqualTo("EC");
    assertThat(Files.readString(pki.apiKeyPkcs1)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(Files.readString(pki.otherKeySec1)).startsWith("-----BEGIN EC PRIVATE KEY-----");
  }

  @Test
  void loadsEd25519KeysAndSkipsEcParameterBlocks() throws Exception {
    OpenSsl.ok(dir, "genpkey", "-algorithm", "ED25519", "-out", "ed.key");
    assertThat(PemFiles.privateKey(dir.resolve("ed.key"), KEY_FIELD).getAlgorithm())
        .isEqualTo("EdDSA");
    OpenSsl.ok(dir, "ecparam", "-name", "prime256v1", "-genkey", "-out", "ecparam.key");
    assertThat(Files.readString(dir.resolve("ecparam.key"))).contains("BEGIN EC PARAMETERS");
    assertThat(PemFiles.privateKey(dir.resolve("ecparam.key"), KEY_FIELD).getAlgorithm())
        .isEqualTo("EC");
  }

  @Test
  void readsChainsLeafFirstIgnoringTextAround() throws Exception {
    Path chain = dir.resolve("chain.pem");
    Files.writeString(
        chain,
        "subject=CN = api.example.com\n"
            + Files.readString(pki.apiCert)
            + "\n# the CA\n"
            + Files.readString(pki.caCert).replace("\n", "\r\n"));
    CertifiedKey key = load(chain, pki.apiKey);
    assertThat(key.chain()).hasSize(2);
    assertThat(key.leaf().getSubjectX500Principal().getName()).isEqualTo("CN=api.example.com");
  }

  @Test
  void namesTheFieldAndFileOfAMissingOrWrongFile() {
    Path missing = dir.resolve("missing.pem");
    assertProblems(() -> load(pki.apiCert, missing), KEY_FIELD + ": " + missing + ": no such file");
    assertProblems(
        () -> load(pki.apiCert, pki.caCert),
        KEY_FIELD + ": " + pki.caCert + ": not a PEM private key");
    assertProblems(
        () -> load(pki.apiKey, pki.apiKey),
        CHAIN_FIELD
            + ": "
            + pki.apiKey
            + ": not a PEM certificate file (no BEGIN CERTIFICATE block)");
    assertProblems(
        () -> load(dir, missing),
        CHAIN_FIELD + ": " + dir + ": is a directory, not a file",
        KEY_FIELD + ": " + missing + ": no such file");
  }

  @Test
  void refusesAKeyThatDoesNotMatchTheCertificate() {
    assertThatThrownBy(() -> load(pki.apiCert, pki.otherKeySec1))
        .hasMessageStartingWith(
            KEY_FIELD
                + ": "
                + pki.otherKeySec1
                + ": does not match the"
                + " certificate in "
                + pki.apiCert);
    // Same algorithm, other key: caught by signing and verifying.
    assertThatThrownBy(() -> load(pki.clientCert, pki.otherKeySec1))
        .hasMessageStartingWith(KEY_FIELD + ": " + pki.otherKeySec1 + ": does not match");
  }

  @Test
  void refusesEncryptedKeys() throws Exception {
    OpenSsl.ok(
        dir,
        "pkey",
        "-in",
        "api.key",
        "-aes256",
        "-passout",
        "pass:secret",
        "-out",
        "encrypted.key");
    OpenSsl.ok(
        dir,
        "pkey",
        "-in",
        "api.key",
        "-traditional",
        "-aes256",
        "-passout",
        "pass:secret",
        "-out",
        "encrypted-legacy.key");
    for (String file : List.of("encrypted.key", "encrypted-legacy.key")) {
      Path key = dir.resolve(file);
      assertThatThrownBy(() -> PemFiles.privateKey(key, KEY_FIELD))
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith(
              KEY_FIELD + ": " + key + ": encrypted private keys are not" + " supported");
    }
  }

  @Test
  void refusesDamagedPem() throws Exception {
    Path badBase64 = dir.resolve("bad-base64.pem");
    Files.writeString(badBase64, "-----BEGIN PRIVATE KEY-----\n@@@@\n-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> PemFiles.privateKey(badBase64, KEY_FIELD))
        .hasMessageContaining(": " + badBase64 + ": PEM block \"PRIVATE KEY\" is not valid base64");

    Path unterminated = dir.resolve("unterminated.pem");
    Files.writeString(unterminated, "-----BEGIN CERTIFICATE-----\nAAAA\n");
    assertThatThrownBy(() -> PemFiles.certificates(unterminated, CHAIN_FIELD))
        .hasMessageContaining("has no -----END CERTIFICATE----- line");

    Path notDer = dir.resolve("not-der.pem");
    Files.writeString(notDer, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> PemFiles.privateKey(notDer, KEY_FIELD))
        .hasMessageContaining(": " + notDer + ": malformed PRIVATE KEY");
  }

  private static CertifiedKey load(Path chain, Path key) throws ConfigException {
    return CertifiedKey.load(new CertificateFiles(chain, key), ENTRY);
  }

  private static void assertProblems(ThrowingCallable call, String... problems) {
    assertThatThrownBy(call)
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(problems));
  }
}
