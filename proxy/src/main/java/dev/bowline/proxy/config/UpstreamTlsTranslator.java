package dev.bowline.proxy.config;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Translates an {@code UpstreamTlsContext} (TLS origination to a cluster) into a
 * {@link TlsClientConfig}: SNI, CA file, accepted server SANs (exact DNS or URI names), an
 * optional client certificate and ALPN. Stateless.
 */
final class UpstreamTlsTranslator {

  private UpstreamTlsTranslator() {}

  /** The TLS settings, or null after reporting problems. */
  @SuppressWarnings("deprecation") // legacy Envoy fields, accepted on purpose
  static TlsClientConfig translate(UpstreamTlsContext tls, String path, Problems problems) {
    int before = problems.size();
    String commonPath = Problems.join(path, "common_tls_context");
    CommonTlsContext common = tls.getCommonTlsContext();
    CertificateValidationContext validation = common.getValidationContext();
    String validationPath = Problems.join(commonPath, "validation_context");
    Optional<Path> trustedCa =
        Optional.ofNullable(
            TlsFiles.file(validation.hasTrustedCa(), validation.getTrustedCa(),
                Problems.join(validationPath, "trusted_ca"), false, problems));
    List<String> sans = new ArrayList<>();
    String typedPath = Problems.join(validationPath, "match_typed_subject_alt_names");
    for (int i = 0; i < validation.getMatchTypedSubjectAltNamesCount(); i++) {
      String name =
          typedSan(validation.getMatchTypedSubjectAltNames(i), Problems.index(typedPath, i),
              problems);
      if (name != null) {
        sans.add(name);
      }
    }
    String legacyPath = Problems.join(validationPath, "match_subject_alt_names");
    for (int i = 0; i < validation.getMatchSubjectAltNamesCount(); i++) {
      String name =
          exact(validation.getMatchSubjectAltNames(i), Problems.index(legacyPath, i), problems);
      if (name != null) {
        sans.add(name);
      }
    }
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
    if (problems.size() > before) {
      return null;
    }
    return new TlsClientConfig(
        tls.getSni().isEmpty() ? Optional.empty() : Optional.of(tls.getSni()),
        trustedCa,
        sans,
        clientCertificate,
        TlsFiles.alpn(common.getAlpnProtocolsList()));
  }

  private static String typedSan(SubjectAltNameMatcher matcher, String path, Problems problems) {
    switch (matcher.getSanType()) {
      case DNS:
      case URI:
        break;
      case SAN_TYPE_UNSPECIFIED:
        problems.add(Problems.join(path, "san_type"), "required (DNS or URI)");
        return null;
      default:
        problems.add(
            Problems.join(path, "san_type"),
            matcher.getSanType().name() + " is not supported by Bowline yet (supported: DNS, URI)");
        return null;
    }
    return exact(matcher.getMatcher(), Problems.join(path, "matcher"), problems);
  }

  private static String exact(StringMatcher matcher, String path, Problems problems) {
    if (matcher.getMatchPatternCase() == StringMatcher.MatchPatternCase.EXACT) {
      if (matcher.getExact().isEmpty()) {
        problems.add(Problems.join(path, "exact"), "must not be empty");
        return null;
      }
      return matcher.getExact();
    }
    if (matcher.getMatchPatternCase() == StringMatcher.MatchPatternCase.MATCHPATTERN_NOT_SET) {
      problems.add(Problems.join(path, "exact"), "required");
    }
    return null; // prefix, suffix, regex...: reported by the supported-subset check
  }
}
