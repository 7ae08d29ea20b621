package dev.bowline.spi.platform;

import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.model.Hostname;
import dev.bowline.spi.model.Service;
import dev.bowline.spi.model.Workload;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything one platform adapter sees at one moment: its services, the endpoints of each service
 * port, and its workloads. Immutable.
 *
 * @param services the services
 * @param endpoints endpoints by service hostname, then by service port name; every key must name
 *     a service and a port in {@code services}
 * @param workloads the workloads
 */
public record PlatformSnapshot(
    List<Service> services,
    Map<Hostname, Map<String, List<Endpoint>>> endpoints,
    List<Workload> workloads) {

  /** A snapshot with nothing in it. */
  public static final PlatformSnapshot EMPTY = new PlatformSnapshot(List.of(), Map.of(), List.of());

  public PlatformSnapshot {
    services = List.copyOf(services);
    workloads = List.copyOf(workloads);
    Set<Hostname> hostnames = new HashSet<>();
    for (Service s : services) {
      if (!hostnames.add(s.hostname())) {
        throw new IllegalArgumentException("service " + s.hostname() + " appears twice in a snapshot");
      }
    }
    Map<Hostname, Map<String, List<Endpoint>>> copy = new HashMap<>();
    for (Map.Entry<Hostname, Map<String, List<Endpoint>>> e : endpoints.entrySet()) {
      Hostname host = e.getKey();
      Service service =
          services.stream()
              .filter(s -> s.hostname().equals(host))
              .findFirst()
              .orElseThrow(
                  () -> new IllegalArgumentException("endpoints given for unknown service " + host));
      Map<String, List<Endpoint>> ports = new HashMap<>();
      for (Map.Entry<String, List<Endpoint>> p : e.getValue().entrySet()) {
        if (service.port(p.getKey()).isEmpty()) {
          throw new IllegalArgumentException(
              "endpoints given for port '" + p.getKey() + "' that service " + host + " lacks");
        }
        ports.put(p.getKey(), List.copyOf(p.getValue()));
      }
      copy.put(host, Map.copyOf(ports));
    }
    endpoints = Map.copyOf(copy);
  }

  /** The endpoints of one service port; empty when none are known. */
  public List<Endpoint> endpoints(Hostname service, String portName) {
    return endpoints.getOrDefault(service, Map.of()).getOrDefault(portName, List.of());
  }
}
