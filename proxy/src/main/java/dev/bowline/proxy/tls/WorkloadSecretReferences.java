package dev.bowline.proxy.tls;

import dev.bowline.proxy.config.WorkloadSecretReference;
import java.util.List;
import java.util.Optional;

/**
 * Checks, when a TLS context is built, that the workload secrets it names can be had: a proxy
 * started without a workload identity has none, and a context naming them is refused with the
 * field that names them, rather than failing every handshake later.
 *
 * <p><b>Threading.</b> Stateless.
 */
final class WorkloadSecretReferences {

  private WorkloadSecretReferences() {}

  /**
   * Adds a problem when {@code reference} is present and the proxy has no workload secrets.
   *
   * @param contextPath the config path of the TLS context the reference is relative to
   */
  static void check(
      Optional<WorkloadSecretReference> reference,
      String contextPath,
      Optional<WorkloadSecretSource> secrets,
      List<String> problems) {
    if (reference.isPresent() && secrets.isEmpty()) {
      problems.add(
          contextPath
              + "."
              + reference.get().field()
              + ": names the proxy's workload secrets (SDS), but this proxy has no workload"
              + " identity (it was started without one); start it with one, or give certificate"
              + " files instead");
    }
  }
}
