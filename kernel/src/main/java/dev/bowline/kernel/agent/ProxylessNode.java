package dev.bowline.kernel.agent;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The node a proxyless application announces through its agent, as the agent writes it into the
 * application's gRPC bootstrap: Pilot reads its metadata {@code NAMESPACE}, {@code
 * SERVICE_ACCOUNT} and {@code LABELS} as it reads a sidecar's. Immutable.
 *
 * @param id the node id; not in Istio's {@code sidecar~...}/{@code router~...} shape, so that Pilot
 *     treats the client as proxyless
 * @param namespace the workload's namespace
 * @param serviceAccount the workload's service account; empty: left out of the bootstrap, and the
 *     agent adds the one its certificate proves to the node it relays
 * @param labels the workload's labels (Pilot matches {@code sourceLabels} and localities on them)
 */
public record ProxylessNode(
    String id, String namespace, Optional<String> serviceAccount, Map<String, String> labels) {

  public ProxylessNode {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(serviceAccount, "serviceAccount");
    labels = Map.copyOf(labels);
    if (id.isBlank()) {
      throw new IllegalArgumentException("a node id may not be blank");
    }
  }
}
