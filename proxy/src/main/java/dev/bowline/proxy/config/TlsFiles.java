package dev.bowline.proxy.config;

import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts common to both TLS contexts: certificate and CA files, and ALPN lists. Files are
 * named by {@code filename} (relative names resolve against the working directory, as in Envoy);
 * inline PEM is not supported and is reported by the supported-subset check. Stateless.
 */
final class TlsFiles {

  private TlsFiles() {}

  /** A certificate chain and key, or null after reporting what is missing. */
  static CertificateFiles certificate(TlsCertificate certificate, String path, Problems problems) {
    Path chain = file(certificate.hasCertificateChain(), certificate.getCertificateChain(),
        Problems.join(path, "certificate_chain"), true, problems);
    Path key = file(certificate.hasPrivateKey(), certificate.getPrivateKey(),
        Problems.join(path, "private_key"), true, problems);
    return chain == null || key == null ? null : new CertificateFiles(chain, key);
  }

  /**
   * The file a data source names, or null. A missing source is reported when {@code required}; a
   * source given another way (inline) is left to the supported-subset check.
   */
  static Path file(
      boolean present, DataSource source, String path, boolean required, Problems problems) {
    if (present && source.getSpecifierCase() == DataSource.SpecifierCase.FILENAME) {
      if (source.getFilename().isEmpty()) {
        problems.add(Problems.join(path, "filename"), "must not be empty");
        return null;
      }
      return Path.of(source.getFilename());
    }
    if (required && (!present || source.getSpecifierCase() == DataSource.SpecifierCase.SPECIFIER_NOT_SET)) {
      problems.add(Problems.join(path, "filename"), "required");
    }
    return null;
  }

  /**
   * ALPN protocols in order. Like Envoy, an entry may itself be a comma-separated list
   * ({@code "h2,http/1.1"}).
   */
  static List<String> alpn(List<String> entries) {
    List<String> protocols = new ArrayList<>();
    for (String entry : entries) {
      for (String protocol : entry.split(",")) {
        if (!protocol.isBlank()) {
          protocols.add(protocol.trim());
        }
      }
    }
    return protocols;
  }
}
