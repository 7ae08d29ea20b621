package dev.bowline.proxy.http2;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test certificates made with the {@code openssl} command-line tool: a CA and one server
 * certificate (EC P-256, PKCS#8 key) for {@code localhost} and {@code 127.0.0.1}, used both by the
 * proxy's TLS listener and by TLS upstreams.
 */
final class H2Pki {

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
      extendedKeyUsage = serverAuth
      subjectKeyIdentifier = hash
      authorityKeyIdentifier = keyid
      subjectAltName = DNS:localhost, IP:127.0.0.1
      """;

  final Path caCert;
  final Path serverCert;
  final Path serverKey;

  private H2Pki(Path dir) {
    caCert = dir.resolve("ca.pem");
    serverCert = dir.resolve("server.pem");
    serverKey = dir.resolve("server.key");
  }

  static H2Pki create(Path dir) throws IOException, InterruptedException {
    Files.writeString(dir.resolve("openssl.cnf"), CONFIG);
    openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ca.key");
    openssl(dir, "req", "-x509", "-new", "-key", "ca.key", "-subj", "/CN=Bowline HTTP2 Test CA",
        "-config", "openssl.cnf", "-extensions", "ca_ext", "-days", "2", "-out", "ca.pem");
    openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "server.key");
    openssl(dir, "req", "-x509", "-new", "-key", "server.key", "-subj", "/CN=localhost",
        "-config", "openssl.cnf", "-extensions", "leaf_ext", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-days", "2", "-out", "server.pem");
    return new H2Pki(dir);
  }

  private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Path output = Files.createTempFile(dir, "openssl-", ".out");
    Process process =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(output.toFile())
            .start();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("openssl timed out: " + command);
    }
    if (process.exitValue() != 0) {
      throw new IOException(
          "openssl failed: " + command + "\n" + Files.readString(output, StandardCharsets.ISO_8859_1));
    }
  }
}
