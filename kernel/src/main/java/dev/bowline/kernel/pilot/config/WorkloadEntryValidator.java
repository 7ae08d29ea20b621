package dev.bowline.kernel.pilot.config;

import static dev.bowline.kernel.pilot.config.FieldPaths.field;
import static dev.bowline.kernel.pilot.config.FieldPaths.key;

import dev.bowline.kernel.pilot.istio.WorkloadEntry;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks a WorkloadEntry spec, or a ServiceEntry's inline endpoint (same shape), with Istio's
 * rules: an address (IP, host name where allowed, or {@code unix://} path) unless a network is
 * set, port names that are DNS labels with numbers 1..65535, valid labels, a weight that is not
 * negative. Warns that {@code network} is not applied yet. Stateless.
 */
final class WorkloadEntryValidator {

  private static final String UNIX = "unix://";

  private WorkloadEntryValidator() {}

  static void validate(WorkloadEntry we, Validation v) {
    check(we, "spec", null, true, v);
  }

  /**
   * Checks one workload at {@code path}.
   *
   * @param servicePorts the names its {@code ports} may use, or null for any
   * @param allowHostName whether the address may be a host name rather than an IP
   */
  static void check(WorkloadEntry we, String path, Set<String> servicePorts, boolean allowHostName, Validation v) {
    String address = we.address();
    boolean network = we.network() != null && !we.network().isEmpty();
    if (address == null || address.isEmpty()) {
      if (!network) {
        v.error(field(path, "address"), "required (unless network is set)");
      }
    } else if (address.startsWith(UNIX)) {
      String socket = address.substring(UNIX.length());
      if (!socket.startsWith("@") && (!socket.startsWith("/") || socket.endsWith("/"))) {
        v.error(field(path, "address"), "\"" + socket + "\" is not an absolute path to a socket file");
      }
      if (!we.ports().isEmpty()) {
        v.error(field(path, "ports"), "a unix:// endpoint has no ports");
      }
    } else if (!HostNames.isIpAddress(address)) {
      if (!allowHostName) {
        v.error(field(path, "address"), "\"" + address + "\" is not an IP address (required for STATIC resolution)");
      } else if (HostNames.fqdnError(address).isPresent()) {
        v.error(field(path, "address"), "\"" + address + "\" is not an IP address or a host name");
      }
    }
    for (Map.Entry<String, Integer> e : new TreeMap<>(we.ports()).entrySet()) {
      String at = key(field(path, "ports"), e.getKey());
      if (!KubernetesNames.isDnsLabel(e.getKey())) {
        v.error(at, "\"" + e.getKey() + "\" is not a valid port name (a DNS-1123 label)");
      } else if (servicePorts != null && !servicePorts.contains(e.getKey())) {
        v.error(at, "\"" + e.getKey() + "\" is not a port name of the ServiceEntry ("
            + String.join(", ", new TreeSet<>(servicePorts)) + ")");
      }
      PortNumbers.check(e.getValue(), at, v);
    }
    KubernetesNames.checkLabels(we.labels(), field(path, "labels"), v);
    if (we.weight() < 0) {
      v.error(field(path, "weight"), "must not be negative, found " + we.weight());
    }
    if (network) {
      v.notApplied(field(path, "network"), "every workload is taken to be reachable directly");
    }
  }
}
