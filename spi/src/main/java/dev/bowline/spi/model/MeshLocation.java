package dev.bowline.spi.model;

/** Whether a service's workloads are part of the mesh, as Istio's ServiceEntry {@code location}. */
public enum MeshLocation {
  /** Workloads run a sidecar: mutual TLS and mesh policy apply. */
  MESH_INTERNAL,
  /** Outside the mesh: plain or originated TLS, no sidecar on the far side. */
  MESH_EXTERNAL
}
