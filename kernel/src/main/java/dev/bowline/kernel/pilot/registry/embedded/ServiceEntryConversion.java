package dev.bowline.kernel.pilot.registry.embedded;

import dev.bowline.kernel.pilot.config.ConfigKind;
import dev.bowline.kernel.pilot.config.ConfigResource;
import dev.bowline.kernel.pilot.config.ConfigSnapshot;
import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.kernel.pilot.istio.ServiceEntry;
import dev.bowline.kernel.pilot.istio.WorkloadEntry;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.model.HealthStatus;
import dev.bowline.spi.model.Hostname;
import dev.bowline.spi.model.Locality;
import dev.bowline.spi.model.MeshLocation;
import dev.bowline.spi.model.Protocol;
import dev.bowline.spi.model.Service;
import dev.bowline.spi.model.ServicePort;
import dev.bowline.spi.model.SpiffeId;
import dev.bowline.spi.model.Workload;
import dev.bowline.spi.platform.PlatformSnapshot;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded registry's pure conversion: ServiceEntries, WorkloadEntries and self-registered
 * sidecars in, the platform-neutral model out. No I/O, no state; the same inputs always give the
 * same snapshot.
 *
 * <p>Rules (Istio's, with Bowline's self-registration added):
 *
 * <ul>
 *   <li>Each ServiceEntry host (qualified like any Istio host) is a service with the entry's
 *       ports, labels and location. When two entries declare one host, the older (lower store
 *       revision) wins.
 *   <li>Its endpoints are the inline {@code endpoints}, or, with a {@code workloadSelector}, the
 *       WorkloadEntries and self-registered workloads of its namespace whose labels include the
 *       selector's. An endpoint port is the entry's {@code ports[portName]}, else the service
 *       port's {@code targetPort}. A self-registered workload is reached through its sidecar's
 *       inbound port, whatever the service port, and is in the locality its node announced.
 *   <li>Only IP addresses become endpoints: DNS names (resolution {@code DNS}) are not resolved
 *       by Pilot yet and are skipped with a log line; resolution {@code NONE} has no endpoints.
 *   <li>A self-registered sidecar that names a service no ServiceEntry declares creates the
 *       service {@code <service>.<namespace>.svc.<suffix>} with one HTTP port named {@code http}
 *       numbered as the first registered instance's application port.
 *   <li>Every WorkloadEntry and every self-registered sidecar is a workload.
 *   <li>A service's {@code subjectAltNames} (secure naming) are the SPIFFE IDs of the service
 *       accounts of its endpoints' workloads (a WorkloadEntry without one runs as {@code
 *       default}; an inline endpoint without one adds none) and the entry's own {@code
 *       subjectAltNames}.
 * </ul>
 */
public final class ServiceEntryConversion {

  private static final Logger log = LoggerFactory.getLogger(ServiceEntryConversion.class);

  private ServiceEntryConversion() {}

  /**
   * Converts.
   *
   * @param registrations the connected (or recently connected) sidecars that announced a service,
   *     oldest first
   */
  public static PlatformSnapshot convert(
      ConfigSnapshot config, List<ProxyNode> registrations, MeshSettings mesh) {
    List<ConfigResource<ServiceEntry>> entries =
        new ArrayList<>(config.of(ConfigKind.SERVICE_ENTRY, ServiceEntry.class));
    entries.sort(Comparator.comparingLong(ConfigResource::revision));
    List<ConfigResource<WorkloadEntry>> workloadEntries =
        config.of(ConfigKind.WORKLOAD_ENTRY, WorkloadEntry.class);

    Map<Hostname, Service> services = new LinkedHashMap<>();
    Map<Hostname, Map<String, List<Endpoint>>> endpoints = new HashMap<>();
    Map<Hostname, Set<String>> identities = new HashMap<>();
    for (ConfigResource<ServiceEntry> entry : entries) {
      convertEntry(entry, workloadEntries, registrations, mesh, services, endpoints, identities);
    }
    for (ProxyNode node : registrations) {
      if (node.service().isEmpty() || node.appPort().isEmpty()) {
        continue;
      }
      Hostname host = Hostname.of(mesh.qualify(node.service(), node.namespace()));
      Service service = services.get(host);
      if (service == null) {
        int port = node.appPort().getAsInt();
        service =
            new Service(host, node.namespace(), List.of(ServicePort.of("http", port, Protocol.HTTP)),
                Map.of(), MeshLocation.MESH_INTERNAL);
        services.put(host, service);
      } else if (endpoints.containsKey(host) && isDeclaredByEntry(host, entries, mesh)) {
        continue; // the ServiceEntry decides its endpoints (inline or by selector)
      }
      Map<String, List<Endpoint>> ports = endpoints.computeIfAbsent(host, h -> new HashMap<>());
      for (ServicePort p : service.ports()) {
        ports.computeIfAbsent(p.name(), n -> new ArrayList<>()).add(sidecarEndpoint(node));
      }
      identify(identities, host, node.namespace(), node.serviceAccount(), mesh);
    }
    for (Map.Entry<Hostname, Set<String>> e : identities.entrySet()) {
      services.computeIfPresent(e.getKey(), (h, service) -> service.withSubjectAltNames(
          union(service.subjectAltNames(), e.getValue())));
    }
    List<Workload> workloads = new ArrayList<>();
    for (ConfigResource<WorkloadEntry> we : workloadEntries) {
      workloads.add(
          new Workload(we.name(), we.namespace(), serviceAccount(we.spec()), we.spec().labels()));
    }
    for (ProxyNode node : registrations) {
      workloads.add(new Workload(node.workloadName(), node.namespace(), node.serviceAccount(),
          node.labels()));
    }
    return new PlatformSnapshot(List.copyOf(services.values()), endpoints, workloads);
  }

  private static boolean isDeclaredByEntry(
      Hostname host, List<ConfigResource<ServiceEntry>> entries, MeshSettings mesh) {
    for (ConfigResource<ServiceEntry> e : entries) {
      for (String h : e.spec().hosts()) {
        if (Hostname.of(mesh.qualify(h, e.namespace())).equals(host)) {
          return true;
        }
      }
    }
    return false;
  }

  private static void convertEntry(
      ConfigResource<ServiceEntry> entry,
      List<ConfigResource<WorkloadEntry>> workloadEntries,
      List<ProxyNode> registrations,
      MeshSettings mesh,
      Map<Hostname, Service> services,
      Map<Hostname, Map<String, List<Endpoint>>> endpoints,
      Map<Hostname, Set<String>> identities) {
    ServiceEntry spec = entry.spec();
    List<ServicePort> ports = new ArrayList<>();
    for (ServiceEntry.ServicePort p : spec.ports()) {
      Protocol protocol =
          Protocol.parse(p.protocol()).or(() -> Protocol.parse(p.name())).orElse(Protocol.TCP);
      String name = p.name() == null || p.name().isEmpty()
          ? protocol.name().toLowerCase(java.util.Locale.ROOT) + "-" + p.number() : p.name();
      ports.add(new ServicePort(name, p.number(), protocol,
          p.targetPort() > 0 ? p.targetPort() : p.number()));
    }
    MeshLocation location = "MESH_EXTERNAL".equals(spec.location())
        ? MeshLocation.MESH_EXTERNAL : MeshLocation.MESH_INTERNAL;
    boolean resolvable = !"NONE".equals(spec.resolution());
    for (String h : spec.hosts()) {
      Hostname host = Hostname.of(mesh.qualify(h, entry.namespace()));
      if (services.containsKey(host)) {
        log.warn("ServiceEntry {}: host {} is declared by an older ServiceEntry; this one is ignored"
            + " for it", entry.key(), host);
        continue;
      }
      Service service = new Service(host, entry.namespace(), ports, entry.labels(), location,
          spec.subjectAltNames());
      services.put(host, service);
      Map<String, List<Endpoint>> byPort = new HashMap<>();
      if (resolvable) {
        for (ServicePort port : ports) {
          List<Endpoint> list = new ArrayList<>();
          for (WorkloadEntry we : spec.endpoints()) {
            addEndpoint(entry, we, port, list);
            identify(identities, host, entry.namespace(), we.serviceAccount(), mesh);
          }
          if (spec.workloadSelector() != null) {
            Map<String, String> selector = spec.workloadSelector().labels();
            for (ConfigResource<WorkloadEntry> we : workloadEntries) {
              if (we.namespace().equals(entry.namespace())
                  && we.spec().labels().entrySet().containsAll(selector.entrySet())) {
                addEndpoint(entry, we.spec(), port, list);
                identify(identities, host, we.namespace(), serviceAccount(we.spec()), mesh);
              }
            }
            for (ProxyNode node : registrations) {
              if (node.namespace().equals(entry.namespace())
                  && node.labels().entrySet().containsAll(selector.entrySet())) {
                list.add(sidecarEndpoint(node));
                identify(identities, host, node.namespace(), node.serviceAccount(), mesh);
              }
            }
          }
          byPort.put(port.name(), list);
        }
      }
      endpoints.put(host, byPort);
    }
  }

  private static void addEndpoint(
      ConfigResource<ServiceEntry> entry, WorkloadEntry we, ServicePort port, List<Endpoint> out) {
    if (we.address() == null || !isIpLiteral(we.address())) {
      log.info("ServiceEntry {}: endpoint '{}' is not an IP address; DNS endpoints are not resolved"
          + " by Pilot yet", entry.key(), we.address());
      return;
    }
    int number = we.ports().getOrDefault(port.name(), port.targetPort());
    out.add(new Endpoint(we.address(), number, we.labels(), Locality.parse(we.locality()),
        we.weight() > 0 ? we.weight() : 1, HealthStatus.HEALTHY));
  }

  /** A WorkloadEntry's service account; {@code default} when it names none, as in Istio. */
  private static String serviceAccount(WorkloadEntry we) {
    return we.serviceAccount() == null || we.serviceAccount().isEmpty()
        ? "default" : we.serviceAccount();
  }

  /**
   * Records that a workload of {@code namespace} running as {@code serviceAccount} serves {@code
   * host} (nothing when the account is unknown): its SPIFFE ID is one the service's servers may
   * present.
   */
  private static void identify(Map<Hostname, Set<String>> identities, Hostname host,
      String namespace, String serviceAccount, MeshSettings mesh) {
    if (serviceAccount == null || serviceAccount.isEmpty()) {
      return;
    }
    identities.computeIfAbsent(host, h -> new TreeSet<>()).add(
        SpiffeId.forServiceAccount(mesh.trustDomain(), namespace, serviceAccount).toString());
  }

  private static List<String> union(List<String> a, Set<String> b) {
    Set<String> all = new TreeSet<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }

  private static Endpoint sidecarEndpoint(ProxyNode node) {
    return new Endpoint(node.ip(), node.inboundPort(), node.labels(), node.locality(), 1,
        HealthStatus.HEALTHY);
  }

  private static boolean isIpLiteral(String address) {
    boolean v4 = address.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    boolean v6 = address.indexOf(':') >= 0 && address.matches("[0-9a-fA-F:.]+");
    if (!v4 && !v6) {
      return false;
    }
    try {
      InetAddress.getByName(address); // a literal is parsed, never looked up
      return true;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }
}
