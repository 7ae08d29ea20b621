package dev.bowline.spi.plugin;

/** The traffic an extension is hardened against, after Envoy's {@code security_posture}. */
public enum SecurityPosture {
  /** Safe facing untrusted clients and untrusted upstreams alike. */
  ROBUST_TO_UNTRUSTED_DOWNSTREAM_AND_UPSTREAM,
  /** Safe facing untrusted clients, trusting its upstreams. */
  ROBUST_TO_UNTRUSTED_DOWNSTREAM,
  /** Only for traffic between trusted parties. */
  REQUIRES_TRUSTED_DOWNSTREAM_AND_UPSTREAM,
  /** Never touches request data (for example a load balancer or a CA backend). */
  DATA_PLANE_AGNOSTIC,
  /** Not assessed. */
  UNKNOWN
}
