package dev.bowline.kernel.bench;

import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.model.HealthStatus;
import dev.bowline.spi.model.Hostname;
import dev.bowline.spi.model.Locality;
import dev.bowline.spi.model.MeshLocation;
import dev.bowline.spi.model.Protocol;
import dev.bowline.spi.model.Service;
import dev.bowline.spi.model.ServicePort;
import dev.bowline.spi.platform.PlatformSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A made-up mesh for the scale benchmark, reported the way a platform adapter reports one: {@code
 * services} HTTP services spread round-robin over {@code namespaces} namespaces ({@code
 * svc-<i>.ns-<k>.svc.cluster.local}), each with {@code endpointsPerService} endpoints on distinct
 * {@code 10.0.x.y} addresses over three zones.
 *
 * <p>Two kinds of change: {@link #moveEndpoint} gives one endpoint of one service a new address
 * (an EDS-only change), and {@link #nextGeneration} moves every service to a new port number (a
 * change of every cluster, endpoint assignment and route: a full push). The port of the current
 * generation is part of every cluster name ({@code outbound|<port>||<host>}), which is how the
 * simulated proxies tell generations apart.
 *
 * <p>Not thread-safe: one thread drives it.
 */
final class SyntheticRegistry {

  /** The port number of generation 0; generation {@code g} uses {@code BASE_PORT + g}. */
  static final int BASE_PORT = 9080;
  /** The port the workloads listen on, whatever the service port. */
  static final int TARGET_PORT = 8080;
  private static final String PORT_NAME = "http";
  private static final String[] ZONES = {"zone-a", "zone-b", "zone-c"};

  private final int namespaces;
  private final List<Hostname> hostnames = new ArrayList<>();
  private final List<List<Endpoint>> endpoints = new ArrayList<>();
  private int generation;
  private List<Service> services;

  SyntheticRegistry(int services, int endpointsPerService, int namespaces) {
    if (services < 1 || endpointsPerService < 1 || namespaces < 1) {
      throw new IllegalArgumentException(
          "services, endpointsPerService and namespaces must be at least 1");
    }
    if ((long) services * endpointsPerService > 1 << 24) {
      throw new IllegalArgumentException("at most 16M endpoints fit in 10.0.0.0/8");
    }
    this.namespaces = namespaces;
    int address = 0;
    for (int i = 0; i < services; i++) {
      hostnames.add(Hostname.of("svc-" + i + "." + namespaceOf(i) + ".svc.cluster.local"));
      List<Endpoint> list = new ArrayList<>();
      for (int j = 0; j < endpointsPerService; j++, address++) {
        list.add(endpoint(ipv4(10, address), j, i));
      }
      endpoints.add(list);
    }
    this.services = servicesOf(BASE_PORT);
  }

  /** How many services there are. */
  int services() {
    return hostnames.size();
  }

  /** The namespace of service {@code index}. */
  String namespaceOf(int index) {
    return "ns-" + (index % namespaces);
  }

  /** The namespace number {@code k} ({@code ns-<k>}). */
  static String namespace(int k) {
    return "ns-" + k;
  }

  /** The service port of the current generation. */
  int port() {
    return BASE_PORT + generation;
  }

  /** The outbound cluster (and EDS) name of service {@code index} in the current generation. */
  String clusterName(int index) {
    return "outbound|" + port() + "||" + hostnames.get(index).value();
  }

  /** The registry as it is now. */
  PlatformSnapshot snapshot() {
    Map<Hostname, Map<String, List<Endpoint>>> byHost = new HashMap<>();
    for (int i = 0; i < hostnames.size(); i++) {
      byHost.put(hostnames.get(i), Map.of(PORT_NAME, endpoints.get(i)));
    }
    return new PlatformSnapshot(services, byHost, List.of());
  }

  /** Gives the first endpoint of service {@code index} the address {@code newAddress}. */
  PlatformSnapshot moveEndpoint(int index, String newAddress) {
    List<Endpoint> list = new ArrayList<>(endpoints.get(index));
    Endpoint old = list.get(0);
    list.set(
        0, new Endpoint(newAddress, old.port(), old.labels(), old.locality(), old.weight(),
            old.health()));
    endpoints.set(index, List.copyOf(list));
    return snapshot();
  }

  /** Moves every service to the next port number: every cluster, assignment and route changes. */
  PlatformSnapshot nextGeneration() {
    generation++;
    services = servicesOf(port());
    return snapshot();
  }

  /** The {@code n}-th address of {@code 10.<block>.0.0/16}-style numbering: {@code first.x.y.z}. */
  static String ipv4(int first, int n) {
    return first + "." + ((n >>> 16) & 0xff) + "." + ((n >>> 8) & 0xff) + "." + (n & 0xff);
  }

  private List<Service> servicesOf(int port) {
    List<Service> out = new ArrayList<>(hostnames.size());
    for (int i = 0; i < hostnames.size(); i++) {
      out.add(
          new Service(
              hostnames.get(i),
              namespaceOf(i),
              List.of(new ServicePort(PORT_NAME, port, Protocol.HTTP, TARGET_PORT)),
              Map.of("app", "svc-" + i),
              MeshLocation.MESH_INTERNAL));
    }
    return List.copyOf(out);
  }

  private static Endpoint endpoint(String address, int j, int service) {
    return new Endpoint(
        address,
        TARGET_PORT,
        Map.of("app", "svc-" + service, "version", "v1"),
        new Locality("region-1", ZONES[j % ZONES.length], ""),
        1,
        HealthStatus.HEALTHY);
  }
}
