package dev.bowline.kernel.pilot.config;

import static dev.bowline.kernel.pilot.config.FieldPaths.field;
import static dev.bowline.kernel.pilot.config.FieldPaths.index;

import dev.bowline.kernel.pilot.istio.Sidecar;
import dev.bowline.kernel.pilot.istio.Sidecar.EgressListener;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a Sidecar spec with Istio's rules: valid selector labels; every egress listener with at
 * least one host written {@code namespace/dnsName} (namespace {@code *}, {@code .}, {@code ~} or a
 * namespace name); at most one listener without a port, and it comes last; a port's number, a
 * known protocol other than UDP, a {@code bind} that is an IP address and a {@code bind:port}
 * taken once. Warns about what Bowline does not apply: a listener without a port (Istio narrows
 * what the sidecar sees with it; Bowline's sidecars see every service), {@code captureMode:
 * IPTABLES}, a {@code targetPort}. Stateless.
 */
final class SidecarValidator {

  private static final List<String> CAPTURE_MODES = List.of("DEFAULT", "IPTABLES", "NONE");

  private SidecarValidator() {}

  static void validate(Sidecar sidecar, Validation v) {
    if (sidecar.workloadSelector() != null) {
      KubernetesNames.checkLabels(
          sidecar.workloadSelector().labels(), "spec.workloadSelector.labels", v);
    }
    Map<String, Integer> bound = new HashMap<>();
    List<EgressListener> egress = sidecar.egress();
    for (int i = 0; i < egress.size(); i++) {
      EgressListener listener = egress.get(i);
      String at = index("spec.egress", i);
      if (listener == null) {
        v.error(at, "empty egress listener");
        continue;
      }
      hosts(listener.hosts(), field(at, "hosts"), v);
      captureMode(listener.captureMode(), field(at, "captureMode"), v);
      if (listener.port() == null) {
        if (i != egress.size() - 1) {
          v.error(at, "an egress listener without a port catches everything else and must be the"
              + " last one");
        } else {
          v.notApplied(at, "an egress listener without a port narrows the services a sidecar"
              + " sees; Bowline's sidecars reach every service through their outbound port");
        }
        if (listener.bind() != null && !listener.bind().isEmpty()) {
          v.error(field(at, "bind"), "needs a port");
        }
        continue;
      }
      port(listener.port(), field(at, "port"), v);
      String bind = listener.bind() == null || listener.bind().isEmpty() ? "127.0.0.1" : listener.bind();
      if (!HostNames.isIpAddress(bind)) {
        v.error(field(at, "bind"), "\"" + listener.bind() + "\" is not an IP address");
      }
      Integer first = bound.putIfAbsent(bind + ":" + listener.port().number(), i);
      if (first != null) {
        v.error(field(at, "port.number"), "port " + listener.port().number() + " on " + bind
            + " is taken by egress[" + first + "] already");
      }
    }
  }

  private static void hosts(List<String> hosts, String path, Validation v) {
    if (hosts.isEmpty()) {
      v.error(path, "at least one host is required");
    }
    for (int i = 0; i < hosts.size(); i++) {
      String host = hosts.get(i);
      String at = index(path, i);
      int slash = host == null ? -1 : host.indexOf('/');
      if (slash < 0) {
        v.error(at, "\"" + host + "\" must be written namespace/dnsName (\"*/\", \"./\" or \"~/\""
            + " for any, this or no namespace)");
        continue;
      }
      String ns = host.substring(0, slash);
      if (!ns.equals("*") && !ns.equals(".") && !ns.equals("~") && !KubernetesNames.isDnsLabel(ns)) {
        v.error(at, "\"" + ns + "\" in \"" + host + "\" is not \"*\", \".\", \"~\" or a namespace");
        continue;
      }
      HostNames.wildcardDomainError(host.substring(slash + 1)).ifPresent(m -> v.error(at, m));
    }
  }

  private static void captureMode(String mode, String path, Validation v) {
    if (mode == null || mode.isEmpty()) {
      return;
    }
    if (!CAPTURE_MODES.contains(mode)) {
      v.error(path, "must be one of " + String.join(", ", CAPTURE_MODES) + ", found \"" + mode + "\"");
    } else if (mode.equals("IPTABLES")) {
      v.notApplied(path, "Bowline's egress listeners listen on bind:port; traffic is not captured");
    }
  }

  private static void port(Sidecar.Port p, String path, Validation v) {
    PortNumbers.check(p.number(), field(path, "number"), v);
    if (p.protocol() != null && !p.protocol().isEmpty()) {
      Optional<String> protocol = IstioProtocols.canonical(p.protocol(), IstioProtocols.SERVICE);
      if (protocol.isEmpty()) {
        v.error(field(path, "protocol"), "\"" + p.protocol() + "\" is not supported; one of "
            + String.join(", ", IstioProtocols.SERVICE));
      } else if (protocol.get().equals("UDP")) {
        v.error(field(path, "protocol"), "UDP is not proxied");
      }
    }
    if (p.name() != null && !p.name().isEmpty() && !KubernetesNames.isDnsLabel(p.name())) {
      v.error(field(path, "name"), "\"" + p.name() + "\" is not a DNS-1123 label");
    }
    if (p.targetPort() != 0) {
      v.notApplied(field(path, "targetPort"), "egress listeners have no target port");
    }
  }
}
