package dev.bowline.proxy.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * TLS termination for a filter chain (Envoy's {@code DownstreamTlsContext}), from files.
 *
 * @param certificates the certificate chains and keys offered (chosen by the client's key type)
 * @param trustedCa the CA bundle that verifies client certificates, when clients are verified
 * @param requireClientCertificate whether a client certificate is required (mutual TLS)
 * @param alpn the ALPN protocols offered, such as {@code h2, http/1.1}
 * @param minVersion the lowest TLS version, {@code TLSv1.2} or {@code TLSv1.3}
 * @param maxVersion the highest TLS version
 */
public record TlsServerConfig(
    List<CertificateFiles> certificates,
    Optional<Path> trustedCa,
    boolean requireClientCertificate,
    List<String> alpn,
    String minVersion,
    String maxVersion) {

  public TlsServerConfig {
    certificates = List.copyOf(certificates);
    alpn = List.copyOf(alpn);
  }
}
