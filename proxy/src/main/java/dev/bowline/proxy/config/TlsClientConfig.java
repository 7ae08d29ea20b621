package dev.bowline.proxy.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS origination to a cluster's endpoints (Envoy's {@code UpstreamTlsContext}): from files, or
 * with the proxy's workload certificate and trust bundle (Istio's {@code ISTIO_MUTUAL}: SDS {@code
 * default} and {@code ROOTCA}).
 *
 * @param sni the server name sent, when set
 * @param trustedCa the CA bundle that verifies the server; when it and {@code workloadTrustBundle}
 *     are empty the JDK's default trust store is used
 * @param subjectAltNames accepted server SANs; empty accepts any SAN
 * @param clientCertificate the client certificate from files, for mutual TLS
 * @param alpn the ALPN protocols offered
 * @param workloadCertificate present when the proxy's workload certificate is the client
 *     certificate
 * @param workloadTrustBundle present when the server's certificate is verified as a SPIFFE
 *     X.509-SVID against the proxy's trust bundle
 */
public record TlsClientConfig(
    Optional<String> sni,
    Optional<Path> trustedCa,
    List<SubjectAltNameMatcher> subjectAltNames,
    Optional<CertificateFiles> clientCertificate,
    List<String> alpn,
    Optional<WorkloadSecretReference> workloadCertificate,
    Optional<WorkloadSecretReference> workloadTrustBundle) {

  public TlsClientConfig {
    Objects.requireNonNull(sni, "sni");
    Objects.requireNonNull(trustedCa, "trustedCa");
    subjectAltNames = List.copyOf(subjectAltNames);
    Objects.requireNonNull(clientCertificate, "clientCertificate");
    alpn = List.copyOf(alpn);
    Objects.requireNonNull(workloadCertificate, "workloadCertificate");
    Objects.requireNonNull(workloadTrustBundle, "workloadTrustBundle");
  }

  /**
   * Origination from files alone.
   *
   * @param subjectAltNames accepted server names, each equal to a DNS or URI SAN (the legacy
   *     {@code match_subject_alt_names} with exact matchers)
   */
  public TlsClientConfig(
      Optional<String> sni,
      Optional<Path> trustedCa,
      List<String> subjectAltNames,
      Optional<CertificateFiles> clientCertificate,
      List<String> alpn) {
    this(
        sni,
        trustedCa,
        subjectAltNames.stream().map(SubjectAltNameMatcher::exact).toList(),
        clientCertificate,
        alpn,
        Optional.empty(),
        Optional.empty());
  }

  /** The same settings offering other ALPN protocols. */
  public TlsClientConfig withAlpn(List<String> protocols) {
    return new TlsClientConfig(
        sni,
        trustedCa,
        subjectAltNames,
        clientCertificate,
        protocols,
        workloadCertificate,
        workloadTrustBundle);
  }
}
