package dev.bowline.kernel.pilot.istio;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * Istio's {@code Sidecar} spec: for the workloads it selects, the outbound listeners their proxy
 * opens ({@code egress}) and the hosts each one reaches. {@code ingress}, {@code
 * outboundTrafficPolicy} and {@code inboundConnectionPool} are stored but not applied yet.
 */
public record Sidecar(
    WorkloadSelector workloadSelector,
    List<EgressListener> egress,
    JsonNode ingress,
    JsonNode outboundTrafficPolicy,
    JsonNode inboundConnectionPool) {

  public Sidecar {
    egress = Lists.of(egress);
  }

  /** The labels a workload needs for the resource to apply to it; absent or empty: all. */
  public record WorkloadSelector(Map<String, String> labels) {
    public WorkloadSelector {
      labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
  }

  /**
   * Istio's {@code IstioEgressListener}: with a {@code port}, a listener on {@code bind:port} for
   * the services of {@code hosts} that have that port; without, the hosts reachable through the
   * proxy's other outbound entry points.
   */
  public record EgressListener(Port port, String bind, String captureMode, List<String> hosts) {
    public EgressListener {
      hosts = Lists.of(hosts);
    }
  }

  /** Istio's {@code SidecarPort}: number, protocol and name. */
  public record Port(int number, String protocol, String name, int targetPort) {}
}
