package dev.bowline.spi.model;

import java.util.Map;
import java.util.Objects;

/**
 * A running program that the mesh knows: a pod, a VM process, a WorkloadEntry. Its service account
 * is what its SPIFFE identity is made from.
 *
 * @param name the workload's name, unique within its namespace
 * @param namespace its namespace
 * @param serviceAccount the service account it runs as
 * @param labels its labels, matched by selectors (services, policies, subsets)
 */
public record Workload(
    String name, String namespace, String serviceAccount, Map<String, String> labels) {

  public Workload {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("workload name must not be empty");
    }
    Names.requireNamespace(namespace);
    Names.requireLabel("serviceAccount", serviceAccount);
    labels = Map.copyOf(labels);
  }

  /** The SPIFFE identity this workload is entitled to in {@code trustDomain}. */
  public SpiffeId identity(String trustDomain) {
    return SpiffeId.forServiceAccount(trustDomain, namespace, serviceAccount);
  }
}
