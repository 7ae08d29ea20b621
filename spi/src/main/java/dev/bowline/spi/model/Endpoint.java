package dev.bowline.spi.model;

import java.util.Map;
import java.util.Objects;

/**
 * One network address that serves a service port: an instance of a workload as seen by a load
 * balancer.
 *
 * @param address an IP address or a DNS name
 * @param port the port the workload listens on, 1..65535
 * @param labels the workload's labels, which DestinationRule subsets select on
 * @param locality where it runs
 * @param weight its share of traffic relative to its peers, at least 1 (Envoy's default is 1)
 * @param health its health
 */
public record Endpoint(
    String address,
    int port,
    Map<String, String> labels,
    Locality locality,
    int weight,
    HealthStatus health) {

  public Endpoint {
    if (address == null || address.isBlank()) {
      throw new IllegalArgumentException("endpoint address must not be empty");
    }
    PortNumbers.require("endpoint port", port);
    labels = Map.copyOf(labels);
    Objects.requireNonNull(locality, "locality");
    Objects.requireNonNull(health, "health");
    if (weight < 1) {
      throw new IllegalArgumentException(
          "endpoint " + address + ":" + port + " has weight " + weight + "; weights are at least 1");
    }
  }

  /** A healthy endpoint of weight 1 with no labels and no locality. */
  public static Endpoint of(String address, int port) {
    return new Endpoint(address, port, Map.of(), Locality.UNKNOWN, 1, HealthStatus.HEALTHY);
  }

  /** This endpoint with another weight. */
  public Endpoint withWeight(int newWeight) {
    return new Endpoint(address, port, labels, locality, newWeight, health);
  }

  /** This endpoint with another health status. */
  public Endpoint withHealth(HealthStatus newHealth) {
    return new Endpoint(address, port, labels, locality, weight, newHealth);
  }

  /** {@code address:port}, with brackets around an IPv6 address. */
  public String authority() {
    return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
  }
}
