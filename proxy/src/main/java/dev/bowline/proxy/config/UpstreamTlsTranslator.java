package dev.bowline.proxy.config;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import java.util.Optional;

/**
 * Translates an {@code UpstreamTlsContext} (TLS origination to a cluster) into a
 * {@link TlsClientConfig}: SNI, the server's verification (a CA file or the trust bundle, with
 * accepted SANs, see {@link ValidationContextTranslator}), an optional client certificate (a file
 * or the workload certificate, SDS {@code default}) and ALPN. Stateless.
 */
final class UpstreamTlsTranslator {

  private UpstreamTlsTranslator() {}

  /** The TLS settings, or null after reporting problems. */
  static TlsClientConfig translate(UpstreamTlsContext tls, String path, Problems problems) {
    int before = problems.size();
    String commonPath = Problems.join(path, "common_tls_context");
    CommonTlsContext common = tls.getCommonTlsContext();
    ValidationContextTranslator.Validation validation =
        ValidationContextTranslator.translate(common, commonPath, "common_tls_context", problems);
    Optional<CertificateFiles> clientCertificate = Optional.empty();
    String certificatesPath = Problems.join(commonPath, "tls_certificates");
    if (common.getTlsCertificatesCount() > 1) {
      problems.add(certificatesPath, "a client offers one certificate; "
          + common.getTlsCertificatesCount() + " are configured");
    } else if (common.getTlsCertificatesCount() == 1) {
      clientCertificate =
          Optional.ofNullable(
              TlsFiles.certificate(
                  common.getTlsCertificates(0), Problems.index(certificatesPath, 0), problems));
    }
    Optional<WorkloadSecretReference> workloadCertificate =
        SdsSecretTranslator.certificate(common, commonPath, "common_tls_context", problems);
    if (problems.size() > before) {
      return null;
    }
    return new TlsClientConfig(
        tls.getSni().isEmpty() ? Optional.empty() : Optional.of(tls.getSni()),
        validation.trustedCa(),
        validation.subjectAltNames(),
        clientCertificate,
        TlsFiles.alpn(common.getAlpnProtocolsList()),
        workloadCertificate,
        validation.trustBundle());
  }
}
