package dev.bowline.kernel.pilot.istio;

import java.util.Map;

/**
 * Istio's {@code PeerAuthentication} spec: whether the sidecars it selects accept plaintext,
 * mutual TLS or both. Without {@code selector} it applies to its namespace (in the root namespace:
 * to the mesh); {@code portLevelMtls} overrides the mode per workload port.
 */
public record PeerAuthentication(
    WorkloadSelector selector, Mtls mtls, Map<String, Mtls> portLevelMtls) {

  public PeerAuthentication {
    portLevelMtls = portLevelMtls == null ? Map.of() : Map.copyOf(portLevelMtls);
  }

  /** The labels a workload needs; absent or empty: every workload of the namespace. */
  public record WorkloadSelector(Map<String, String> matchLabels) {
    public WorkloadSelector {
      matchLabels = matchLabels == null ? Map.of() : Map.copyOf(matchLabels);
    }
  }

  /** The mode: {@code UNSET} (inherit), {@code DISABLE}, {@code PERMISSIVE} or {@code STRICT}. */
  public record Mtls(String mode) {}
}
