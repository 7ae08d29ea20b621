package dev.bowline.spi.model;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

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
 * @param subjectAltNames the names a server of this service may present in its certificate
 *     (Istio's secure naming): the SPIFFE IDs of the service accounts its workloads run as, and
 *     any names the platform declares for it; sorted, without duplicates. Empty when unknown, in
 *     which case a client accepts any identity its trust bundle vouches for.
 */
public record Service(
    Hostname hostname,
    String namespace,
    List<ServicePort> ports,
    Map<String, String> labels,
    MeshLocation location,
    List<String> subjectAltNames) {

  public Service {
    Objects.requireNonNull(hostname, "hostname");
    Names.requireNamespace(namespace);
    ports = List.copyOf(ports);
    labels = Map.copyOf(labels);
    Objects.requireNonNull(location, "location");
    subjectAltNames = List.copyOf(new TreeSet<>(subjectAltNames));
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

  /** A service whose servers' names are not known ({@link #subjectAltNames} empty). */
  public Service(
      Hostname hostname,
      String namespace,
      List<ServicePort> ports,
      Map<String, String> labels,
      MeshLocation location) {
    this(hostname, namespace, ports, labels, location, List.of());
  }

  /** This service with {@code names} as its {@link #subjectAltNames}. */
  public Service withSubjectAltNames(Collection<String> names) {
    return new Service(hostname, namespace, ports, labels, location, List.copyOf(names));
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
