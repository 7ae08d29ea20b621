package dev.bowline.proxy.config;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import java.util.Optional;

/**
 * Reads the SDS secret references of a TLS context as Istio writes them: {@code
 * tls_certificate_sds_secret_configs: [{name: default, sds_config: ...}]} for the workload
 * certificate and {@code validation_context_sds_secret_config: {name: ROOTCA, sds_config: ...}} for
 * the trust bundle. The {@code sds_config} must be present (without it Envoy would look for a
 * static secret, which Bowline does not have) and its content is accepted as it is: it means the
 * proxy's own workload secrets. Other names are refused. Stateless.
 */
final class SdsSecretTranslator {

  /** Istio's SDS name of the workload certificate and key. */
  static final String WORKLOAD_CERTIFICATE = "default";

  /** Istio's SDS name of the trust bundle. */
  static final String TRUST_BUNDLE = "ROOTCA";

  private SdsSecretTranslator() {}

  /**
   * The workload certificate reference of a {@code common_tls_context}, if it has one.
   *
   * @param commonPath the full path of the {@code common_tls_context}
   * @param relativeCommon the same path relative to the TLS context ({@code common_tls_context})
   */
  static Optional<WorkloadSecretReference> certificate(
      CommonTlsContext common, String commonPath, String relativeCommon, Problems problems) {
    int count = common.getTlsCertificateSdsSecretConfigsCount();
    if (count == 0) {
      return Optional.empty();
    }
    String listPath = Problems.join(commonPath, "tls_certificate_sds_secret_configs");
    if (count > 1) {
      problems.add(listPath, "one SDS certificate (\"" + WORKLOAD_CERTIFICATE
          + "\", the workload certificate) is supported; " + count + " are configured");
      return Optional.empty();
    }
    if (common.getTlsCertificatesCount() > 0) {
      problems.add(listPath, "tls_certificates and tls_certificate_sds_secret_configs cannot be"
          + " combined in Bowline: choose files or the workload certificate");
      return Optional.empty();
    }
    String entryPath = Problems.index(listPath, 0);
    if (!reference(common.getTlsCertificateSdsSecretConfigs(0), WORKLOAD_CERTIFICATE,
        "the workload certificate", entryPath, problems)) {
      return Optional.empty();
    }
    return Optional.of(new WorkloadSecretReference(
        Problems.index(Problems.join(relativeCommon, "tls_certificate_sds_secret_configs"), 0)));
  }

  /**
   * Checks a reference to the trust bundle ({@code ROOTCA}).
   *
   * @param path the full path of the {@code SdsSecretConfig}
   * @param relativePath the same path relative to the TLS context
   */
  static Optional<WorkloadSecretReference> trustBundle(
      SdsSecretConfig config, String path, String relativePath, Problems problems) {
    if (!reference(config, TRUST_BUNDLE, "the trust bundle", path, problems)) {
      return Optional.empty();
    }
    return Optional.of(new WorkloadSecretReference(relativePath));
  }

  private static boolean reference(
      SdsSecretConfig config, String expected, String meaning, String path, Problems problems) {
    boolean ok = true;
    if (!config.getName().equals(expected)) {
      problems.add(Problems.join(path, "name"),
          (config.getName().isEmpty() ? "required" : "'" + config.getName() + "' is not a secret"
              + " Bowline has") + ": the proxy's SDS secrets are '" + WORKLOAD_CERTIFICATE
              + "' (the workload certificate) and '" + TRUST_BUNDLE + "' (the trust bundle); here "
              + meaning + " ('" + expected + "') is expected");
      ok = false;
    }
    if (!config.hasSdsConfig()) {
      problems.add(Problems.join(path, "sds_config"), "required: Bowline has no static secrets;"
          + " an SDS reference (ads, api_config_source or path, as Istio writes it) names the"
          + " proxy's own workload secrets");
      ok = false;
    }
    return ok;
  }
}
