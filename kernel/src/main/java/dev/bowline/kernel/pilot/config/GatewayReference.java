package dev.bowline.kernel.pilot.config;

import java.util.Optional;

/**
 * A VirtualService's reference to a gateway, as Istio reads it: the reserved {@code mesh} (the
 * sidecars), {@code <namespace>/<name>}, a bare {@code <name>} in the VirtualService's own
 * namespace, or the legacy {@code <name>.<namespace>.svc.<suffix>}. Immutable.
 *
 * @param namespace the gateway's namespace; empty for {@code mesh}
 * @param name the gateway's name, or {@code mesh}
 */
record GatewayReference(String namespace, String name) {

  /** The reserved gateway name meaning every sidecar of the mesh. */
  static final String MESH = "mesh";

  static final GatewayReference MESH_REF = new GatewayReference("", MESH);

  boolean isMesh() {
    return namespace.isEmpty() && name.equals(MESH);
  }

  /** {@code mesh} or {@code namespace/name}: how messages and the analyzer name it. */
  @Override
  public String toString() {
    return isMesh() ? MESH : namespace + "/" + name;
  }

  /** The gateway {@code ref} means in a VirtualService of namespace {@code vsNamespace}. */
  static GatewayReference resolve(String ref, String vsNamespace) {
    if (ref.equals(MESH)) {
      return MESH_REF;
    }
    int slash = ref.indexOf('/');
    if (slash >= 0) {
      return new GatewayReference(ref.substring(0, slash), ref.substring(slash + 1));
    }
    int dot = ref.indexOf('.');
    if (dot >= 0) {
      String rest = ref.substring(dot + 1);
      int next = rest.indexOf('.');
      return new GatewayReference(next < 0 ? rest : rest.substring(0, next), ref.substring(0, dot));
    }
    return new GatewayReference(vsNamespace, ref);
  }

  /** Checks the reference at {@code path}: errors for malformed names, a warning for the legacy form. */
  static void check(String ref, String path, Validation v) {
    Optional<String> error = error(ref);
    if (error.isPresent()) {
      v.error(path, error.get());
      return;
    }
    if (ref.indexOf('/') < 0 && ref.indexOf('.') >= 0) {
      GatewayReference r = resolve(ref, "");
      v.warn(path, "legacy gateway name \"" + ref + "\"; prefer the <namespace>/<name> form: \"" + r + "\"");
    }
  }

  private static Optional<String> error(String ref) {
    if (ref == null || ref.isEmpty()) {
      return Optional.of("gateway name must not be empty");
    }
    if (ref.equals(MESH)) {
      return Optional.empty();
    }
    int slash = ref.indexOf('/');
    if (slash >= 0) {
      String ns = ref.substring(0, slash);
      String name = ref.substring(slash + 1);
      if (!KubernetesNames.isDnsLabel(ns)) {
        return Optional.of("\"" + ns + "\" in \"" + ref + "\" is not a valid namespace");
      }
      if (!KubernetesNames.isDnsLabel(name)) {
        return Optional.of("\"" + name + "\" in \"" + ref + "\" is not a valid gateway name");
      }
      return Optional.empty();
    }
    if (ref.indexOf('.') >= 0) {
      return HostNames.fqdnError(ref).map(m -> "\"" + ref + "\" is not a valid gateway reference");
    }
    return KubernetesNames.isDnsLabel(ref)
        ? Optional.empty()
        : Optional.of("\"" + ref + "\" is not a valid gateway name");
  }
}
