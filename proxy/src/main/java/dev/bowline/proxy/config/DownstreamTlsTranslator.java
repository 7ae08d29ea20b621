package dev.bowline.proxy.config;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters.TlsProtocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Translates a {@code DownstreamTlsContext} (TLS termination on a filter chain) into a
 * {@link TlsServerConfig}: certificate files or the workload certificate (SDS {@code default}),
 * client verification against a CA file or the trust bundle (SDS {@code ROOTCA}, see {@link
 * ValidationContextTranslator}). Versions default to TLS 1.2 through 1.3, Envoy's server defaults;
 * TLS 1.0 and 1.1 are refused. Stateless.
 */
final class DownstreamTlsTranslator {

  static final String TLS_1_2 = "TLSv1.2";
  static final String TLS_1_3 = "TLSv1.3";

  private DownstreamTlsTranslator() {}

  /** The TLS settings, or null after reporting problems. */
  static TlsServerConfig translate(DownstreamTlsContext tls, String path, Problems problems) {
    int before = problems.size();
    String commonPath = Problems.join(path, "common_tls_context");
    CommonTlsContext common = tls.getCommonTlsContext();
    List<CertificateFiles> certificates = new ArrayList<>();
    String certificatesPath = Problems.join(commonPath, "tls_certificates");
    for (int i = 0; i < common.getTlsCertificatesCount(); i++) {
      CertificateFiles files =
          TlsFiles.certificate(
              common.getTlsCertificates(i), Problems.index(certificatesPath, i), problems);
      if (files != null) {
        certificates.add(files);
      }
    }
    Optional<WorkloadSecretReference> workloadCertificate =
        SdsSecretTranslator.certificate(common, commonPath, "common_tls_context", problems);
    if (common.getTlsCertificatesCount() == 0
        && common.getTlsCertificateSdsSecretConfigsCount() == 0) {
      problems.add(certificatesPath, "a TLS listener needs at least one certificate and key (or"
          + " the workload certificate: tls_certificate_sds_secret_configs [{name: default}])");
    }
    ValidationContextTranslator.Validation validation =
        ValidationContextTranslator.translate(common, commonPath, "common_tls_context", problems);
    boolean requireClientCertificate = tls.getRequireClientCertificate().getValue();
    if (requireClientCertificate
        && validation.trustedCa().isEmpty()
        && validation.trustBundle().isEmpty()) {
      problems.add(
          Problems.join(path, "require_client_certificate"),
          "needs common_tls_context.validation_context.trusted_ca, or the trust bundle"
              + " (validation_context_sds_secret_config or combined_validation_context), to"
              + " verify client certificates");
    }
    String paramsPath = Problems.join(commonPath, "tls_params");
    String min =
        version(common.getTlsParams().getTlsMinimumProtocolVersion(), TLS_1_2,
            Problems.join(paramsPath, "tls_minimum_protocol_version"), problems);
    String max =
        version(common.getTlsParams().getTlsMaximumProtocolVersion(), TLS_1_3,
            Problems.join(paramsPath, "tls_maximum_protocol_version"), problems);
    if (min != null && max != null && min.compareTo(max) > 0) {
      problems.add(paramsPath, "tls_minimum_protocol_version is above tls_maximum_protocol_version");
    }
    if (problems.size() > before) {
      return null;
    }
    return new TlsServerConfig(
        certificates,
        validation.trustedCa(),
        requireClientCertificate,
        TlsFiles.alpn(common.getAlpnProtocolsList()),
        min,
        max,
        workloadCertificate,
        validation.trustBundle(),
        validation.subjectAltNames());
  }

  /** The JDK name of a TLS version, {@code fallback} for TLS_AUTO, or null when refused. */
  static String version(TlsProtocol protocol, String fallback, String path, Problems problems) {
    switch (protocol) {
      case TLS_AUTO:
        return fallback;
      case TLSv1_2:
        return TLS_1_2;
      case TLSv1_3:
        return TLS_1_3;
      default:
        problems.add(
            path, protocol.name() + " is not supported: Bowline speaks TLS 1.2 and 1.3 only");
        return null;
    }
  }
}
