package dev.bowline.kernel.pilot.translate;

import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.spi.model.Service;
import dev.bowline.spi.model.ServicePort;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The names a client may use for a service port in its {@code Host}/{@code :authority}, as Istio
 * lists them in a sidecar's virtual hosts: {@code <host>:<port>} always, and the bare {@code
 * <host>} for the service's main HTTP port (80 if it has one, else its first HTTP port). For a
 * Kubernetes-style host {@code <name>.<ns>.svc.<suffix>}, also the short forms {@code <name>.<ns>}
 * and {@code <name>.<ns>.svc}, and {@code <name>} only for proxies in namespace {@code <ns>},
 * each with {@code :<port>} and, on the main port, without. Stateless.
 */
final class ServiceDomains {

  private ServiceDomains() {}

  /** The port that also answers the bare host: port 80 if HTTP, else the first HTTP port. */
  static Optional<ServicePort> mainHttpPort(Service service) {
    Optional<ServicePort> http80 = service.port(80).filter(p -> p.protocol().isHttp());
    if (http80.isPresent()) {
      return http80;
    }
    return service.ports().stream().filter(p -> p.protocol().isHttp()).findFirst();
  }

  /** {@code <host>:<port>}, and {@code <host>} on the main port. */
  static List<String> canonical(Service service, ServicePort port) {
    return withPort(service.hostname().value(), service, port);
  }

  /**
   * The short forms with a dot, {@code <name>.<ns>} and {@code <name>.<ns>.svc}, for every proxy;
   * empty for other kinds of host.
   */
  static List<String> dottedShortForms(Service service, ServicePort port, MeshSettings mesh) {
    String name = kubernetesName(service, mesh);
    if (name == null) {
      return List.of();
    }
    String ns = service.namespace();
    List<String> out = new ArrayList<>(withPort(name + "." + ns, service, port));
    out.addAll(withPort(name + "." + ns + ".svc", service, port));
    return List.copyOf(out);
  }

  /**
   * The bare short form {@code <name>}, for proxies in the service's namespace only; empty for
   * other kinds of host.
   */
  static List<String> bareShortForms(Service service, ServicePort port, MeshSettings mesh) {
    String name = kubernetesName(service, mesh);
    return name == null ? List.of() : withPort(name, service, port);
  }

  /** {@code <name>} of a host {@code <name>.<ns>.svc.<suffix>}, or null for other hosts. */
  private static String kubernetesName(Service service, MeshSettings mesh) {
    String suffix = "." + service.namespace() + ".svc." + mesh.domainSuffix();
    String host = service.hostname().value();
    if (!host.endsWith(suffix) || host.length() == suffix.length()) {
      return null;
    }
    String name = host.substring(0, host.length() - suffix.length());
    return name.indexOf('.') >= 0 ? null : name;
  }

  private static List<String> withPort(String base, Service service, ServicePort port) {
    boolean main = mainHttpPort(service).map(p -> p.number() == port.number()).orElse(false);
    return main ? List.of(base + ":" + port.number(), base) : List.of(base + ":" + port.number());
  }
}
