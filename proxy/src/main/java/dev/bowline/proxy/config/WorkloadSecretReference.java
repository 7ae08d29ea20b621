package dev.bowline.proxy.config;

import java.util.Objects;

/**
 * A TLS context's reference to one of the proxy's own workload secrets, written as Istio writes it:
 * an SDS secret named {@code default} (the workload certificate and key) or {@code ROOTCA} (the
 * trust bundle). Whatever its {@code sds_config} says (ADS, a gRPC API source, a path), the secret
 * is the proxy's own: its workload identity is kept in process, not fetched from an agent.
 *
 * <p>Immutable.
 *
 * @param field the path of the reference relative to the TLS context, such as {@code
 *     common_tls_context.tls_certificate_sds_secret_configs[0]}; errors found when the context is
 *     built (the proxy has no workload identity) name it
 */
public record WorkloadSecretReference(String field) {

  public WorkloadSecretReference {
    Objects.requireNonNull(field, "field");
  }
}
