package dev.bowline.kernel.pilot.istio;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * Istio's {@code ServiceEntry} spec: a service added to the mesh's registry, with its endpoints
 * inline or selected from WorkloadEntries (and self-registered workloads) by labels.
 */
public record ServiceEntry(
    List<String> hosts,
    List<String> addresses,
    List<ServicePort> ports,
    String location,
    String resolution,
    List<WorkloadEntry> endpoints,
    WorkloadSelector workloadSelector,
    List<String> exportTo,
    List<String> subjectAltNames) {

  public ServiceEntry {
    hosts = Lists.of(hosts);
    addresses = Lists.of(addresses);
    ports = Lists.of(ports);
    endpoints = Lists.of(endpoints);
    exportTo = Lists.of(exportTo);
    subjectAltNames = Lists.of(subjectAltNames);
  }

  /** A service port; {@code targetPort} 0 means the same as {@code number}. */
  public record ServicePort(int number, String protocol, String name, int targetPort) {}

  /** Selects workloads by label equality. */
  public record WorkloadSelector(Map<String, String> labels) {
    public WorkloadSelector {
      labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
  }
}
