package dev.bowline.spi.model;

import java.util.Objects;

/**
 * A port a service exposes.
 *
 * @param name the port's name, unique within its service (Istio convention: {@code http-web})
 * @param number the port clients connect to, 1..65535
 * @param protocol the protocol spoken on it
 * @param targetPort the port the workloads listen on, 1..65535 (equal to {@code number} when the
 *     platform does not translate ports)
 */
public record ServicePort(String name, int number, Protocol protocol, int targetPort) {

  public ServicePort {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(protocol, "protocol");
    PortNumbers.require("number", number);
    PortNumbers.require("targetPort", targetPort);
  }

  /** A port whose workloads listen on the same number. */
  public static ServicePort of(String name, int number, Protocol protocol) {
    return new ServicePort(name, number, protocol, number);
  }
}
