package dev.bowline.kernel.pilot.istio;

import java.util.Map;

/**
 * Istio's {@code WorkloadEntry} spec (also the shape of a ServiceEntry's inline endpoints): one
 * workload's address, the ports its service ports map to, labels and identity. {@code weight} 0
 * means 1.
 */
public record WorkloadEntry(
    String address,
    Map<String, Integer> ports,
    Map<String, String> labels,
    String network,
    String locality,
    int weight,
    String serviceAccount) {

  public WorkloadEntry {
    ports = ports == null ? Map.of() : Map.copyOf(ports);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }
}
