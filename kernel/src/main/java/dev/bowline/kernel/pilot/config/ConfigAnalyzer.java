package dev.bowline.kernel.pilot.config;

import static dev.bowline.kernel.pilot.config.FieldPaths.field;
import static dev.bowline.kernel.pilot.config.FieldPaths.index;

import dev.bowline.kernel.pilot.config.Finding.Severity;
import dev.bowline.kernel.pilot.istio.DestinationRule;
import dev.bowline.kernel.pilot.istio.ServiceEntry;
import dev.bowline.kernel.pilot.istio.VirtualService;
import dev.bowline.kernel.pilot.istio.VirtualService.Destination;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Checks what no single resource can show, in the manner of {@code istioctl analyze}:
 *
 * <ul>
 *   <li>a VirtualService destination subset that no DestinationRule for its host defines (ERROR);
 *   <li>two VirtualServices claiming the same host on the same gateway, {@code mesh} included
 *       (ERROR, like Istio's IST0109);
 *   <li>a VirtualService destination host that is neither a known service nor declared by a
 *       ServiceEntry (ERROR), and the same for a DestinationRule's host (WARNING);
 *   <li>a VirtualService naming a gateway that does not exist (ERROR).
 * </ul>
 *
 * <p>Hosts are qualified with {@link MeshSettings#qualify} in the namespace of the resource that
 * names them. Stateless and thread-safe.
 */
public final class ConfigAnalyzer {

  /** Where a VirtualService names a destination. */
  private record DestinationRef(String path, Destination destination) {}

  /**
   * The findings for {@code snapshot}, in resource order.
   *
   * @param serviceExists whether the registry knows a service by this fully qualified host name
   */
  public List<Finding> analyze(
      ConfigSnapshot snapshot, Predicate<String> serviceExists, MeshSettings mesh) {
    List<Finding> out = new ArrayList<>();
    List<ConfigResource<VirtualService>> services = snapshot.of(ConfigKind.VIRTUAL_SERVICE, VirtualService.class);
    List<ConfigResource<DestinationRule>> rules = snapshot.of(ConfigKind.DESTINATION_RULE, DestinationRule.class);
    List<ConfigResource<ServiceEntry>> entries = snapshot.of(ConfigKind.SERVICE_ENTRY, ServiceEntry.class);
    Predicate<String> known = host -> serviceExists.test(host) || declaredByServiceEntry(host, entries, mesh);
    Map<String, List<ConfigKey>> claims = new LinkedHashMap<>();
    for (ConfigResource<VirtualService> vs : services) {
      String ns = vs.namespace();
      for (DestinationRef ref : destinations(vs.spec())) {
        Destination d = ref.destination();
        if (d.host() == null || d.host().isEmpty()) {
          continue;
        }
        String host = mesh.qualify(d.host(), ns);
        if (!known.test(host)) {
          out.add(new Finding(Severity.ERROR, vs.key(), field(ref.path(), "host"),
              "host " + host + " is not a known service and no ServiceEntry declares it"));
        }
        if (d.subset() != null && !d.subset().isEmpty()) {
          subset(vs.key(), field(ref.path(), "subset"), host, d.subset(), rules, mesh, out);
        }
      }
      gateways(vs, snapshot, out);
      List<String> gws = vs.spec().gateways().isEmpty() ? List.of(GatewayReference.MESH) : vs.spec().gateways();
      for (String gw : gws) {
        String gateway = GatewayReference.resolve(gw, ns).toString();
        for (String host : new TreeSet<>(vs.spec().hosts())) {
          claims.computeIfAbsent(gateway + " " + mesh.qualify(host, ns).toLowerCase(Locale.ROOT),
              k -> new ArrayList<>()).add(vs.key());
        }
      }
    }
    conflicts(claims, snapshot, mesh, out);
    for (ConfigResource<DestinationRule> dr : rules) {
      String host = dr.spec().host();
      if (host == null || host.isEmpty() || host.contains("*")) {
        continue;
      }
      String qualified = mesh.qualify(host, dr.namespace());
      if (!known.test(qualified)) {
        out.add(new Finding(Severity.WARNING, dr.key(), "spec.host",
            "host " + qualified + " is not a known service and no ServiceEntry declares it"));
      }
    }
    out.sort((a, b) -> a.key().compareTo(b.key()));
    return out;
  }

  private static List<DestinationRef> destinations(VirtualService vs) {
    List<DestinationRef> out = new ArrayList<>();
    for (int i = 0; i < vs.http().size(); i++) {
      var route = vs.http().get(i).route();
      for (int j = 0; j < route.size(); j++) {
        if (route.get(j).destination() != null) {
          out.add(new DestinationRef(field(index(field(index("spec.http", i), "route"), j), "destination"),
              route.get(j).destination()));
        }
      }
    }
    for (int i = 0; i < vs.tcp().size(); i++) {
      var route = vs.tcp().get(i).route();
      for (int j = 0; j < route.size(); j++) {
        if (route.get(j).destination() != null) {
          out.add(new DestinationRef(field(index(field(index("spec.tcp", i), "route"), j), "destination"),
              route.get(j).destination()));
        }
      }
    }
    return out;
  }

  private static void subset(ConfigKey vs, String path, String host, String subset,
      List<ConfigResource<DestinationRule>> rules, MeshSettings mesh, List<Finding> out) {
    List<String> defining = new ArrayList<>();
    for (ConfigResource<DestinationRule> dr : rules) {
      String drHost = dr.spec().host();
      if (drHost == null || !HostNames.matches(mesh.qualify(drHost, dr.namespace()), host)) {
        continue;
      }
      defining.add(dr.namespace() + "/" + dr.name());
      if (dr.spec().subsets().stream().anyMatch(s -> subset.equals(s.name()))) {
        return;
      }
    }
    out.add(new Finding(Severity.ERROR, vs, path, "subset \"" + subset + "\" of " + host + " is not defined by "
        + (defining.isEmpty()
            ? "any DestinationRule (none has that host)"
            : "DestinationRule " + String.join(", ", defining))));
  }

  private static void gateways(ConfigResource<VirtualService> vs, ConfigSnapshot snapshot, List<Finding> out) {
    List<String> gws = vs.spec().gateways();
    for (int i = 0; i < gws.size(); i++) {
      missingGateway(vs, gws.get(i), index("spec.gateways", i), snapshot, out);
    }
    var http = vs.spec().http();
    for (int i = 0; i < http.size(); i++) {
      var match = http.get(i).match();
      for (int j = 0; j < match.size(); j++) {
        var refs = match.get(j).gateways();
        for (int k = 0; k < refs.size(); k++) {
          missingGateway(vs, refs.get(k),
              index(field(index(field(index("spec.http", i), "match"), j), "gateways"), k), snapshot, out);
        }
      }
    }
  }

  private static void missingGateway(ConfigResource<VirtualService> vs, String ref, String path,
      ConfigSnapshot snapshot, List<Finding> out) {
    if (ref == null || ref.isEmpty()) {
      return;
    }
    GatewayReference gw = GatewayReference.resolve(ref, vs.namespace());
    if (gw.isMesh()) {
      return;
    }
    if (!KubernetesNames.isDnsLabel(gw.namespace()) || !KubernetesNames.isDnsSubdomain(gw.name())
        || snapshot.get(new ConfigKey(ConfigKind.GATEWAY, gw.namespace(), gw.name())).isEmpty()) {
      out.add(new Finding(Severity.ERROR, vs.key(), path, "gateway " + gw + " does not exist"));
    }
  }

  private static void conflicts(Map<String, List<ConfigKey>> claims, ConfigSnapshot snapshot,
      MeshSettings mesh, List<Finding> out) {
    for (Map.Entry<String, List<ConfigKey>> e : claims.entrySet()) {
      List<ConfigKey> owners = e.getValue().stream().distinct().toList();
      if (owners.size() < 2) {
        continue;
      }
      int space = e.getKey().indexOf(' ');
      String gateway = e.getKey().substring(0, space);
      String host = e.getKey().substring(space + 1);
      for (ConfigKey owner : owners) {
        List<String> others = owners.stream().filter(o -> !o.equals(owner))
            .map(o -> o.namespace() + "/" + o.name()).toList();
        out.add(new Finding(Severity.ERROR, owner, hostPath(owner, host, snapshot, mesh),
            "host " + host + " on gateway " + gateway + " is also claimed by VirtualService "
                + String.join(", ", others) + "; only one VirtualService may route a host on a gateway"));
      }
    }
  }

  private static String hostPath(ConfigKey key, String host, ConfigSnapshot snapshot, MeshSettings mesh) {
    VirtualService vs = (VirtualService) snapshot.get(key).orElseThrow().spec();
    for (int i = 0; i < vs.hosts().size(); i++) {
      if (mesh.qualify(vs.hosts().get(i), key.namespace()).equalsIgnoreCase(host)) {
        return index("spec.hosts", i);
      }
    }
    return "spec.hosts";
  }

  private static boolean declaredByServiceEntry(
      String host, List<ConfigResource<ServiceEntry>> entries, MeshSettings mesh) {
    for (ConfigResource<ServiceEntry> se : entries) {
      for (String h : se.spec().hosts()) {
        if (HostNames.matches(mesh.qualify(h, se.namespace()), host)) {
          return true;
        }
      }
    }
    return false;
  }
}
