package dev.bowline.spi.model;

/** The health of an endpoint as the platform or a health check reports it. */
public enum HealthStatus {
  /** Serving; receives traffic. */
  HEALTHY,
  /** Failing; receives no new traffic. */
  UNHEALTHY,
  /** Going away; finishes what it has and receives no new traffic. */
  DRAINING,
  /** Not reported; treated as healthy, as Envoy does. */
  UNKNOWN;

  /** Whether an endpoint in this state should get new requests. */
  public boolean receivesTraffic() {
    return this == HEALTHY || this == UNKNOWN;
  }
}
