package dev.bowline.proxy.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS termination for a filter chain (Envoy's {@code DownstreamTlsContext}): certificates from
 * files or the proxy's workload certificate (SDS {@code default}), client verification against a
 * CA file or the workload trust bundle (SDS {@code ROOTCA}).
 *
 * @param certificates the certificate chains and keys offered (chosen by the client's key type);
 *     empty when the workload certificate is used
 * @param trustedCa the CA bundle that verifies client certificates, when clients are verified
 *     against a file
 * @param requireClientCertificate whether a client certificate is required (mutual TLS)
 * @param alpn the ALPN protocols offered, such as {@code h2, http/1.1}
 * @param minVersion the lowest TLS version, {@code TLSv1.2} or {@code TLSv1.3}
 * @param maxVersion the highest TLS version
 * @param workloadCertificate present when the chain serves the proxy's workload certificate
 * @param workloadTrustBundle present when client certificates are verified as SPIFFE X.509-SVIDs
 *     against the proxy's trust bundle
 * @param clientSubjectAltNames accepted client SANs; empty accepts any (verified) client
 */
public record TlsServerConfig(
    List<CertificateFiles> certificates,
    Optional<Path> trustedCa,
    boolean requireClientCertificate,
    List<String> alpn,
    String minVersion,
    String maxVersion,
    Optional<WorkloadSecretReference> workloadCertificate,
    Optional<WorkloadSecretReference> workloadTrustBundle,
    List<SubjectAltNameMatcher> clientSubjectAltNames) {

  public TlsServerConfig {
    certificates = List.copyOf(certificates);
    Objects.requireNonNull(trustedCa, "trustedCa");
    alpn = List.copyOf(alpn);
    Objects.requireNonNull(workloadCertificate, "workloadCertificate");
    Objects.requireNonNull(workloadTrustBundle, "workloadTrustBundle");
    clientSubjectAltNames = List.copyOf(clientSubjectAltNames);
  }

  /** Termination from files alone, without workload secrets or client SAN matching. */
  public TlsServerConfig(
      List<CertificateFiles> certificates,
      Optional<Path> trustedCa,
      boolean requireClientCertificate,
      List<String> alpn,
      String minVersion,
      String maxVersion) {
    this(
        certificates,
        trustedCa,
        requireClientCertificate,
        alpn,
        minVersion,
        maxVersion,
        Optional.empty(),
        Optional.empty(),
        List.of());
  }

  /** Whether client certificates are verified at all (against a file or the trust bundle). */
  public boolean verifiesClients() {
    return trustedCa.isPresent() || workloadTrustBundle.isPresent();
  }
}
