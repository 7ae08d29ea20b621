package dev.bowline.kernel.pilot.config;

import java.util.Objects;

/**
 * Mesh-wide settings, as Istio's MeshConfig holds them.
 *
 * @param rootNamespace the namespace whose resources apply mesh-wide (Istio: {@code istio-system})
 * @param domainSuffix the suffix of service names: {@code reviews} in namespace {@code default} is
 *     {@code reviews.default.svc.<domainSuffix>}
 * @param trustDomain the SPIFFE trust domain
 */
public record MeshSettings(String rootNamespace, String domainSuffix, String trustDomain) {

  /** Istio's defaults: {@code istio-system}, {@code cluster.local}, {@code cluster.local}. */
  public static final MeshSettings DEFAULTS =
      new MeshSettings("istio-system", "cluster.local", "cluster.local");

  public MeshSettings {
    Objects.requireNonNull(rootNamespace, "rootNamespace");
    Objects.requireNonNull(domainSuffix, "domainSuffix");
    Objects.requireNonNull(trustDomain, "trustDomain");
  }

  /**
   * Qualifies a host as Istio does: a name without dots is {@code name.namespace.svc.suffix};
   * anything else (a FQDN or a wildcard) stays as written.
   */
  public String qualify(String host, String namespace) {
    if (host.equals("*") || host.contains(".")) {
      return host;
    }
    return host + "." + namespace + ".svc." + domainSuffix;
  }
}
