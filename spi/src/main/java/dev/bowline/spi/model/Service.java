package dev.bowline.spi.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A service in the platform-neutral model: a name clients call, the ports it exposes and where it
 * lives. Which workloads back it is told by {@link Endpoint}s, kept apart so that endpoints can
 * change often without touching the service.
 *
 * @param hostname the fully qualified name clients use
 * @param namespace the namespace that owns the service
 * @param ports the exposed ports, at least one, unique by name and by number
 * @param labels the service's own labels
 * @param location inside or outside the mesh
 */
public record Service(
    Hostname hostname,
    String namespace,
    List<ServicePort> ports,
    Map<String, String> labels,
    MeshLocation location) {

  public Service {
    Objects.requireNonNull(hostname, "hostname");
    Names.requireNamespace(namespace);
    ports = List.copyOf(ports);
    labels = Map.copyOf(labels);
    Objects.requireNonNull(location, "location");
    if (ports.isEmpty()) {
      throw new IllegalArgumentException("service " + hostname + " has no ports");
    }
    for (int i = 0; i < ports.size(); i++) {
      for (int j = i + 1; j < ports.size(); j++) {
        if (ports.get(i).name().equals(ports.get(j).name())
            || ports.get(i).number() == ports.get(j).number()) {
          throw new IllegalArgumentException(
              "service " + hostname + " has ports[" + i + "] and ports[" + j
                  + "] with the same name or number");
        }
      }
    }
  }

  /** The port with this number, if the service exposes it. */
  public Optional<ServicePort> port(int number) {
    return ports.stream().filter(p -> p.number() == number).findFirst();
  }

  /** The port with this name, if the service exposes it. */
  public Optional<ServicePort> port(String name) {
    return ports.stream().filter(p -> p.name().equals(name)).findFirst();
  }
}
