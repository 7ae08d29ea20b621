package dev.bowline.kernel.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** Reads the PEM certificates a command-line option names. Stateless. */
final class PemCertificates {

  private PemCertificates() {}

  /**
   * Every certificate in {@code file}.
   *
   * @throws IllegalArgumentException naming {@code option} and the file when it cannot be read or
   *     holds no certificate
   */
  static List<X509Certificate> read(Path file, String option) {
    List<X509Certificate> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
    } catch (IOException | CertificateException e) {
      throw new IllegalArgumentException(option + " " + file + ": not readable PEM certificates: " + e.getMessage());
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(option + " " + file + ": holds no certificate");
    }
    return out;
  }
}
