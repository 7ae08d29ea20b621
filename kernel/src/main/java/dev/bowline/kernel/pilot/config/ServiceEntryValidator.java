package dev.bowline.kernel.pilot.config;

import static dev.bowline.kernel.pilot.config.FieldPaths.field;
import static dev.bowline.kernel.pilot.config.FieldPaths.index;

import dev.bowline.kernel.pilot.istio.ServiceEntry;
import dev.bowline.kernel.pilot.istio.ServiceEntry.ServicePort;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a ServiceEntry spec with Istio's rules: hosts, ports (unique numbers and names, known
 * protocols), resolution and location, endpoints or a workload selector as the resolution
 * requires, and endpoints whose port names are the entry's. Warns about {@code addresses} and
 * {@code exportTo}, which Bowline does not apply yet. Stateless.
 */
final class ServiceEntryValidator {

  private static final List<String> RESOLUTIONS = List.of("NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN");
  private static final List<String> LOCATIONS = List.of("MESH_EXTERNAL", "MESH_INTERNAL");

  private ServiceEntryValidator() {}

  static void validate(ServiceEntry se, String namespace, Validation v) {
    hosts(se.hosts(), v);
    for (int i = 0; i < se.addresses().size(); i++) {
      String address = se.addresses().get(i);
      if (!HostNames.isIpOrCidr(address)) {
        v.error(index("spec.addresses", i), "\"" + address + "\" is not an IP address or CIDR block");
      }
    }
    if (!se.addresses().isEmpty()) {
      v.notApplied("spec.addresses", "traffic is matched by host name and port only");
    }
    Set<String> portNames = ports(se, v);
    String resolution = se.resolution() == null ? "NONE" : se.resolution();
    if (!RESOLUTIONS.contains(resolution)) {
      v.error("spec.resolution", "must be one of " + String.join(", ", RESOLUTIONS) + ", found \"" + resolution + "\"");
    }
    if (se.location() != null && !LOCATIONS.contains(se.location())) {
      v.error("spec.location", "must be one of " + String.join(", ", LOCATIONS) + ", found \"" + se.location() + "\"");
    }
    boolean selector = se.workloadSelector() != null;
    if (selector) {
      KubernetesNames.checkLabels(se.workloadSelector().labels(), "spec.workloadSelector.labels", v);
      if (se.workloadSelector().labels().isEmpty()) {
        v.warn("spec.workloadSelector", "selects no labels, so every WorkloadEntry in the namespace");
      }
    }
    if (selector && !se.endpoints().isEmpty()) {
      v.error("spec", "only one of endpoints or workloadSelector may be set");
    }
    switch (resolution) {
      case "NONE" -> {
        if (!se.endpoints().isEmpty()) {
          v.error("spec.endpoints", "must be empty when resolution is NONE");
        }
      }
      case "STATIC" -> {
        if (se.endpoints().isEmpty() && !selector) {
          v.error("spec", "resolution STATIC needs endpoints or a workloadSelector");
        }
        endpoints(se, portNames, false, v);
      }
      case "DNS", "DNS_ROUND_ROBIN" -> {
        if (se.endpoints().isEmpty()) {
          for (int i = 0; i < se.hosts().size(); i++) {
            if (HostNames.fqdnError(se.hosts().get(i)).isPresent()) {
              v.error(index("spec.hosts", i), "must be a host name without wildcard when resolution is "
                  + resolution + " and there are no endpoints");
            }
          }
        }
        if (resolution.equals("DNS_ROUND_ROBIN") && se.endpoints().size() > 1) {
          v.error("spec.endpoints", "at most one endpoint is allowed when resolution is DNS_ROUND_ROBIN");
        }
        if (selector) {
          v.warn("spec.workloadSelector", "has no effect when resolution is " + resolution);
        }
        endpoints(se, portNames, true, v);
      }
      default -> {
        // reported above
      }
    }
    if (!resolution.equals("NONE") && se.hosts().size() > 1) {
      for (int i = 0; i < se.ports().size(); i++) {
        Optional<String> p = IstioProtocols.canonical(se.ports().get(i).protocol(), IstioProtocols.SERVICE);
        if (p.isEmpty() || (!IstioProtocols.isHttp(p.get()) && !IstioProtocols.isTls(p.get()))) {
          v.error(index("spec.ports", i), "a ServiceEntry with several hosts can only have HTTP or TLS ports"
              + " (plain TCP cannot tell the hosts apart) unless resolution is NONE");
          break;
        }
      }
    }
    ExportToValidator.check(se.exportTo(), namespace, "spec.exportTo", true, v);
  }

  private static void hosts(List<String> hosts, Validation v) {
    if (hosts.isEmpty()) {
      v.error("spec.hosts", "at least one host is required");
    }
    for (int i = 0; i < hosts.size(); i++) {
      String host = hosts.get(i);
      String at = index("spec.hosts", i);
      if ("*".equals(host)) {
        v.error(at, "the wildcard host * is not allowed in a ServiceEntry");
      } else {
        HostNames.wildcardDomainError(host).ifPresent(m -> v.error(at, m));
      }
    }
  }

  private static Set<String> ports(ServiceEntry se, Validation v) {
    if (se.ports().isEmpty()) {
      v.error("spec.ports", "at least one port is required");
    }
    Map<Integer, Integer> numbers = new HashMap<>();
    Map<String, Integer> names = new HashMap<>();
    Set<String> valid = new HashSet<>();
    for (int i = 0; i < se.ports().size(); i++) {
      ServicePort p = se.ports().get(i);
      String at = index("spec.ports", i);
      PortNumbers.check(p.number(), field(at, "number"), v);
      Integer firstNumber = numbers.putIfAbsent(p.number(), i);
      if (firstNumber != null) {
        v.error(field(at, "number"), "duplicate port " + p.number() + " (also ports[" + firstNumber + "])");
      }
      if (p.name() == null || p.name().isEmpty()) {
        v.error(field(at, "name"), "required");
      } else if (!KubernetesNames.isDnsLabel(p.name())) {
        v.error(field(at, "name"), "\"" + p.name() + "\" is not a valid port name (a DNS-1123 label)");
      } else {
        valid.add(p.name());
        Integer firstName = names.putIfAbsent(p.name(), i);
        if (firstName != null) {
          v.error(field(at, "name"), "duplicate port name \"" + p.name() + "\" (also ports[" + firstName + "])");
        }
      }
      if (p.protocol() != null && !p.protocol().isEmpty()
          && IstioProtocols.canonical(p.protocol(), IstioProtocols.SERVICE).isEmpty()) {
        v.error(field(at, "protocol"), "\"" + p.protocol() + "\" is not supported; one of "
            + String.join(", ", IstioProtocols.SERVICE));
      }
      if (p.targetPort() != 0) {
        PortNumbers.check(p.targetPort(), field(at, "targetPort"), v);
      }
    }
    return valid;
  }

  private static void endpoints(ServiceEntry se, Set<String> portNames, boolean allowHostName, Validation v) {
    for (int i = 0; i < se.endpoints().size(); i++) {
      WorkloadEntryValidator.check(se.endpoints().get(i), index("spec.endpoints", i), portNames, allowHostName, v);
    }
  }
}
