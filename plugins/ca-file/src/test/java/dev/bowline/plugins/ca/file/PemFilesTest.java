package dev.bowline.plugins.ca.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.plugins.ca.issuing.KeyMatch;
import dev.bowline.plugins.ca.selfsigned.TestPki;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {

  /** Only to make encrypted test keys: never registered, and never used by the plugin. */
  private static final BouncyCastleProvider BC = new BouncyCastleProvider();

  @TempDir Path dir;

  static String pem(Object... objects) throws Exception {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter out = new JcaPEMWriter(text)) {
      for (Object object : objects) {
        if (object instanceof org.bouncycastle.util.io.pem.PemObjectGenerator generator) {
          out.writeObject(generator);
        } else {
          out.writeObject(object);
        }
      }
    }
    return text.toString();
  }

  private static TestPki.Cert named(String subject) {
    TestPki.Cert cert = new TestPki.Cert();
    cert.subject = subject;
    return cert;
  }

  /**
   * An EC key as openssl ecparam -genkey writes it: EC PARAMETERS, then EC PRIVATE KEY with the
   * curve.
   */
  static String sec1(KeyPair key) throws Exception {
    ASN1Encodable curve =
        PrivateKeyInfo.getInstance(key.getPrivate().getEncoded())
            .getPrivateKeyAlgorithm()
            .getParameters();
    org.bouncycastle.asn1.sec.ECPrivateKey sec1 =
        new org.bouncycastle.asn1.sec.ECPrivateKey(
            256,
            ((ECPrivateKey) key.getPrivate()).getS(),
            SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded()).getPublicKeyData(),
            curve);
    StringWriter text = new StringWriter();
    try (PemWriter out = new PemWriter(text)) {
      out.writeObject(new PemObject("EC PARAMETERS", curve.toASN1Primitive().getEncoded()));
      out.writeObject(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
    }
    return text.toString();
  }

  private Path file(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content);
  }

  @Test
  void readsPkcs8AndTraditionalEcAndRsaKeys() throws Exception {
    for (KeyPair key : List.of(TestPki.ec(), TestPki.rsa(2048))) {
      String pkcs8 = pem(new JcaPKCS8Generator(key.getPrivate(), null));
      String traditional =
          key.getPrivate() instanceof ECPrivateKey ? sec1(key) : pem(key.getPrivate());
      assertThat(pkcs8).startsWith("-----BEGIN PRIVATE KEY-----");
      assertThat(traditional)
          .contains("-----BEGIN " + key.getPrivate().getAlgorithm() + " PRIVATE KEY-----");

      assertThat(PemFiles.privateKey(file("pkcs8.pem", pkcs8)).getEncoded())
          .isEqualTo(key.getPrivate().getEncoded());
      assertThat(
              KeyMatch.matches(PemFiles.privateKey(file("trad.pem", traditional)), key.getPublic()))
          .isTrue();
    }
  }

  @Test
  void refusesEncryptedKeysSayingSo() throws Exception {
    KeyPair key = TestPki.ec();
    Path pkcs8 =
        file(
            "enc8.pem",
            pem(
                new JcaPKCS8Generator(
                    key.getPrivate(),
                    new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                        .setProvider(BC)
                        .setPassword("pw".toCharArray())
                        .build())));
    StringWriter text = new StringWriter();
    try (JcaPEMWriter out = new JcaPEMWriter(text)) {
      out.writeObject(
          key.getPrivate(),
          new JcePEMEncryptorBuilder("AES-128-CBC").setProvider(BC).build("pw".toCharArray()));
    }
    Path traditional = file("enc.pem", text.toString());

    for (Path encrypted : List.of(pkcs8, traditional)) {
      assertThatThrownBy(() -> PemFiles.privateKey(encrypted))
          .hasMessageContaining(encrypted.toString())
          .hasMessageContaining("encrypted private key");
    }
  }

  @Test
  void aFileWithoutAKeyOrWithGarbageIsAnErrorNamingIt() throws Exception {
    X509Certificate cert = named("O=x").build();
    Path certInsteadOfKey = file("cert.pem", pem(cert));
    Path garbage =
        file("garbage.pem", "-----BEGIN PRIVATE KEY-----\n%%%\n-----END PRIVATE KEY-----\n");
    Path empty = file("empty.pem", "");

    for (Path bad : List.of(certInsteadOfKey, garbage, empty, dir.resolve("missing.pem"))) {
      assertThatThrownBy(() -> PemFiles.privateKey(bad)).hasMessageContaining(bad.toString());
    }
  }

  @Test
  void readsEveryCertificateInOrderAndRefusesOtherBlocks() throws Exception {
    X509Certificate a = named("O=a").build();
    X509Certificate b = named("O=b").build();

    assertThat(PemFiles.certificates(file("two.pem", pem(a, b)))).containsExactly(a, b);
    Path mixed = file("mixed.pem", pem(a, TestPki.ec().getPrivate()));
    assertThatThrownBy(() -> PemFiles.certificates(mixed)).hasMessageContaining(mixed.toString());
    Path none = file("none.pem", "nothing here\n");
    assertThatThrownBy(() -> PemFiles.certificates(none))
        .hasMessageContaining(none + " holds no PEM certificate");
  }
}
