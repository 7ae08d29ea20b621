package dev.bowline.proxy.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test certificates made with the {@code openssl} tool in a temporary directory: a CA, a server
 * certificate for {@code localhost}/{@code api.example.com} (RSA; key as PKCS#8 and as PKCS#1), one
 * for {@code other.example.com} (EC; key as SEC1), a client certificate with a SPIFFE URI SAN (EC;
 * PKCS#8) and an unrelated "rogue" CA.
 */
final class TestPki {

  static final String CLIENT_SPIFFE_ID = "spiffe://cluster.local/ns/default/sa/client";

  private static final String CONFIG =
      """
      [req]
      distinguished_name = dn
      prompt = no
      [dn]
      CN = unused
      [ca_ext]
      basicConstraints = critical, CA:TRUE
      keyUsage = critical, keyCertSign, cRLSign
      subjectKeyIdentifier = hash
      [leaf_ext]
      basicConstraints = critical, CA:FALSE
      keyUsage = critical, digitalSignature, keyEncipherment
      subjectKeyIdentifier = hash
      authorityKeyIdentifier = keyid
      """;

  final Path dir;
  final Path caCert;
  final Path apiCert;
  final Path apiKey;
  final Path apiKeyPkcs1;
  final Path otherCert;
  final Path otherKeySec1;
  final Path clientCert;
  final Path clientKey;
  final Path rogueCaCert;
  final Path rogueCaKey;

  private TestPki(Path dir) {
    this.dir = dir;
    caCert = dir.resolve("ca.pem");
    apiCert = dir.resolve("api.pem");
    apiKey = dir.resolve("api.key");
    apiKeyPkcs1 = dir.resolve("api-pkcs1.key");
    otherCert = dir.resolve("other.pem");
    otherKeySec1 = dir.resolve("other-sec1.key");
    clientCert = dir.resolve("client.pem");
    clientKey = dir.resolve("client.key");
    rogueCaCert = dir.resolve("rogue-ca.pem");
    rogueCaKey = dir.resolve("rogue-ca.key");
  }

  static TestPki create(Path dir) throws IOException {
    TestPki pki = new TestPki(dir);
    Files.writeString(dir.resolve("openssl.cnf"), CONFIG);
    ecKey(dir, "ca.key");
    OpenSsl.ok(
        dir,
        "req",
        "-x509",
        "-new",
        "-key",
        "ca.key",
        "-subj",
        "/CN=Bowline Test CA",
        "-config",
        "openssl.cnf",
        "-extensions",
        "ca_ext",
        "-days",
        "2",
        "-out",
        "ca.pem");

    OpenSsl.ok(
        dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "api.key");
    OpenSsl.ok(dir, "pkey", "-in", "api.key", "-traditional", "-out", "api-pkcs1.key");
    leaf(
        dir,
        "api.key",
        "/CN=api.example.com",
        "DNS:localhost,DNS:api.example.com,IP:127.0.0.1",
        "api.pem");

    ecKey(dir, "other.key");
    OpenSsl.ok(dir, "pkey", "-in", "other.key", "-traditional", "-out", "other-sec1.key");
    leaf(dir, "other.key", "/CN=other.example.com", "DNS:other.example.com", "other.pem");

    ecKey(dir, "client.key");
    leaf(dir, "client.key", "/CN=client", "URI:" + CLIENT_SPIFFE_ID, "client.pem");

    ecKey(dir, "rogue-ca.key");
    OpenSsl.ok(
        dir,
        "req",
        "-x509",
        "-new",
        "-key",
        "rogue-ca.key",
        "-subj",
        "/CN=Rogue CA",
        "-config",
        "openssl.cnf",
        "-extensions",
        "ca_ext",
        "-days",
        "2",
        "-out",
        "rogue-ca.pem");
    return pki;
  }

  private static void ecKey(Path dir, String file) {
    OpenSsl.ok(
        dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file);
  }

  private static void leaf(Path dir, String key, String subject, String sans, String out) {
    OpenSsl.ok(
        dir,
        "req",
        "-x509",
        "-new",
        "-key",
        key,
        "-subj",
        subject,
        "-config",
        "openssl.cnf",
        "-extensions",
        "leaf_ext",
        "-addext",
        "subjectAltName=" + sans,
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-days",
        "2",
        "-out",
        out);
  }
}
