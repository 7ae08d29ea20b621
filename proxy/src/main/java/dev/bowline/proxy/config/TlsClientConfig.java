package dev.bowline.proxy.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * TLS origination to a cluster's endpoints (Envoy's {@code UpstreamTlsContext}), from files.
 *
 * @param sni the server name sent, when set
 * @param trustedCa the CA bundle that verifies the server; when empty the JDK's default trust
 *     store is used
 * @param subjectAltNames accepted server SANs (exact DNS or URI); empty accepts any SAN
 * @param clientCertificate the client certificate, for mutual TLS
 * @param alpn the ALPN protocols offered
 */
public record TlsClientConfig(
    Optional<String> sni,
    Optional<Path> trustedCa,
    List<String> subjectAltNames,
    Optional<CertificateFiles> clientCertificate,
    List<String> alpn) {

  public TlsClientConfig {
    subjectAltNames = List.copyOf(subjectAltNames);
    alpn = List.copyOf(alpn);
  }
}
