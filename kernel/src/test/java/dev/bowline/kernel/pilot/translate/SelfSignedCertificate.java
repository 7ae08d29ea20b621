package dev.bowline.kernel.pilot.translate;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed EC P-256 certificate and its PKCS#8 key for one DNS name, made in a directory with
 * the {@code openssl} command-line tool (Debian package {@code openssl}).
 *
 * @param certificate the PEM certificate file
 * @param privateKey the PEM key file
 */
record SelfSignedCertificate(Path certificate, Path privateKey) {

  static SelfSignedCertificate create(Path dir, String dnsName) throws IOException, InterruptedException {
    Path cert = dir.resolve(dnsName + ".pem");
    Path key = dir.resolve(dnsName + ".key");
    openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", key.toString(), "-out", cert.toString(), "-days", "2",
        "-subj", "/CN=" + dnsName, "-addext", "subjectAltName=DNS:" + dnsName);
    return new SelfSignedCertificate(cert, key);
  }

  private static void openssl(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    Path log = Files.createTempFile(dir, "openssl-", ".log");
    Process p =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("openssl timed out: " + command);
    }
    if (p.exitValue() != 0) {
      throw new AssertionError("openssl failed: " + command + "\n" + Files.readString(log));
    }
  }
}
