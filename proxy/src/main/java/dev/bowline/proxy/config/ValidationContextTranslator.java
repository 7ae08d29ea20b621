package dev.bowline.proxy.config;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher.SanType;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads how a TLS context verifies its peer, in any of the three forms Envoy offers (one at a
 * time): {@code validation_context} (a CA file and SAN matchers), {@code
 * validation_context_sds_secret_config} (the trust bundle, SDS {@code ROOTCA}) or {@code
 * combined_validation_context} (SAN matchers in {@code default_validation_context} plus the trust
 * bundle), the last being what Istio writes for {@code ISTIO_MUTUAL}. SAN matchers are exact or
 * prefix, typed ({@code DNS}, {@code URI}) or legacy. Stateless.
 */
final class ValidationContextTranslator {

  /**
   * How the peer is verified.
   *
   * @param trustedCa the CA file, when verified against a file
   * @param trustBundle present when verified against the proxy's trust bundle
   * @param subjectAltNames accepted SANs; empty accepts any
   */
  record Validation(
      Optional<Path> trustedCa,
      Optional<WorkloadSecretReference> trustBundle,
      List<SubjectAltNameMatcher> subjectAltNames) {}

  private ValidationContextTranslator() {}

  /**
   * The validation of a {@code common_tls_context}.
   *
   * @param commonPath its full path
   * @param relativeCommon its path relative to the TLS context
   */
  static Validation translate(
      CommonTlsContext common, String commonPath, String relativeCommon, Problems problems) {
    switch (common.getValidationContextTypeCase()) {
      case VALIDATION_CONTEXT:
        {
          String path = Problems.join(commonPath, "validation_context");
          CertificateValidationContext context = common.getValidationContext();
          Optional<Path> trustedCa =
              Optional.ofNullable(
                  TlsFiles.file(context.hasTrustedCa(), context.getTrustedCa(),
                      Problems.join(path, "trusted_ca"), false, problems));
          return new Validation(trustedCa, Optional.empty(), matchers(context, path, problems));
        }
      case VALIDATION_CONTEXT_SDS_SECRET_CONFIG:
        return new Validation(
            Optional.empty(),
            SdsSecretTranslator.trustBundle(
                common.getValidationContextSdsSecretConfig(),
                Problems.join(commonPath, "validation_context_sds_secret_config"),
                Problems.join(relativeCommon, "validation_context_sds_secret_config"),
                problems),
            List.of());
      case COMBINED_VALIDATION_CONTEXT:
        {
          String path = Problems.join(commonPath, "combined_validation_context");
          var combined = common.getCombinedValidationContext();
          Optional<WorkloadSecretReference> bundle = Optional.empty();
          if (!combined.hasValidationContextSdsSecretConfig()) {
            problems.add(Problems.join(path, "validation_context_sds_secret_config"),
                "required (name: " + SdsSecretTranslator.TRUST_BUNDLE + ", the trust bundle)");
          } else {
            bundle =
                SdsSecretTranslator.trustBundle(
                    combined.getValidationContextSdsSecretConfig(),
                    Problems.join(path, "validation_context_sds_secret_config"),
                    Problems.join(Problems.join(relativeCommon, "combined_validation_context"),
                        "validation_context_sds_secret_config"),
                    problems);
          }
          // trusted_ca and the other fields of default_validation_context are refused by the
          // supported-subset check: the trust comes from the bundle.
          return new Validation(
              Optional.empty(),
              bundle,
              matchers(combined.getDefaultValidationContext(),
                  Problems.join(path, "default_validation_context"), problems));
        }
      default:
        return new Validation(Optional.empty(), Optional.empty(), List.of());
    }
  }

  @SuppressWarnings("deprecation") // match_subject_alt_names: the legacy form, accepted on purpose
  private static List<SubjectAltNameMatcher> matchers(
      CertificateValidationContext context, String path, Problems problems) {
    List<SubjectAltNameMatcher> matchers = new ArrayList<>();
    String typedPath = Problems.join(path, "match_typed_subject_alt_names");
    for (int i = 0; i < context.getMatchTypedSubjectAltNamesCount(); i++) {
      var typed = context.getMatchTypedSubjectAltNames(i);
      String entry = Problems.index(typedPath, i);
      SubjectAltNameMatcher.Type type = type(typed.getSanType(), entry, problems);
      SubjectAltNameMatcher matcher =
          type == null ? null
              : matcher(type, typed.getMatcher(), Problems.join(entry, "matcher"), problems);
      if (matcher != null) {
        matchers.add(matcher);
      }
    }
    String legacyPath = Problems.join(path, "match_subject_alt_names");
    for (int i = 0; i < context.getMatchSubjectAltNamesCount(); i++) {
      SubjectAltNameMatcher matcher =
          matcher(SubjectAltNameMatcher.Type.ANY, context.getMatchSubjectAltNames(i),
              Problems.index(legacyPath, i), problems);
      if (matcher != null) {
        matchers.add(matcher);
      }
    }
    return matchers;
  }

  private static SubjectAltNameMatcher.Type type(SanType type, String path, Problems problems) {
    switch (type) {
      case DNS:
        return SubjectAltNameMatcher.Type.DNS;
      case URI:
        return SubjectAltNameMatcher.Type.URI;
      case SAN_TYPE_UNSPECIFIED:
        problems.add(Problems.join(path, "san_type"), "required (DNS or URI)");
        return null;
      default:
        problems.add(Problems.join(path, "san_type"),
            type.name() + " is not supported by Bowline yet (supported: DNS, URI)");
        return null;
    }
  }

  private static SubjectAltNameMatcher matcher(
      SubjectAltNameMatcher.Type type, StringMatcher matcher, String path, Problems problems) {
    switch (matcher.getMatchPatternCase()) {
      case EXACT:
        if (matcher.getExact().isEmpty()) {
          problems.add(Problems.join(path, "exact"), "must not be empty");
          return null;
        }
        return new SubjectAltNameMatcher(
            type, SubjectAltNameMatcher.Kind.EXACT, matcher.getExact());
      case PREFIX:
        if (matcher.getPrefix().isEmpty()) {
          problems.add(Problems.join(path, "prefix"), "must not be empty");
          return null;
        }
        return new SubjectAltNameMatcher(
            type, SubjectAltNameMatcher.Kind.PREFIX, matcher.getPrefix());
      case MATCHPATTERN_NOT_SET:
        problems.add(Problems.join(path, "exact"), "required (or prefix)");
        return null;
      default:
        return null; // suffix, regex, contains: reported by the supported-subset check
    }
  }
}
