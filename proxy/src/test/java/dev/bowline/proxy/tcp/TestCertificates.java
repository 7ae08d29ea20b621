package dev.bowline.proxy.tcp;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test CA and one server certificate for {@code upstream.test} (EC P-256, PKCS#8 key), made with
 * the {@code openssl} command-line tool in a directory.
 */
final class TestCertificates {

  static final String SERVER_NAME = "upstream.test";

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
      keyUsage = critical, digitalSignature
      extendedKeyUsage = serverAuth
      subjectKeyIdentifier = hash
      authorityKeyIdentifier = keyid
      subjectAltName = DNS:upstream.test
      """;

  final Path caCert;
  final Path serverCert;
  final Path serverKey;

  private TestCertificates(Path dir) {
    caCert = dir.resolve("ca.pem");
    serverCert = dir.resolve("server.pem");
    serverKey = dir.resolve("server.key");
  }

  static TestCertificates create(Path dir) throws IOException, InterruptedException {
    Files.writeString(dir.resolve("openssl.cnf"), CONFIG);
    openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ca.key");
    openssl(dir, "req", "-x509", "-new", "-key", "ca.key", "-subj", "/CN=Bowline TCP Test CA",
        "-config", "openssl.cnf", "-extensions", "ca_ext", "-days", "2", "-out", "ca.pem");
    openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "server.key");
    openssl(dir, "req", "-x509", "-new", "-key", "server.key", "-subj", "/CN=" + SERVER_NAME,
        "-config", "openssl.cnf", "-extensions", "leaf_ext", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-days", "2", "-out", "server.pem");
    return new TestCertificates(dir);
  }

  private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Path log = dir.resolve("openssl.log");
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("openssl timed out: " + command);
    }
    if (p.exitValue() != 0) {
      throw new AssertionError("openssl failed: " + command + "\n" + Files.readString(log));
    }
  }
}
