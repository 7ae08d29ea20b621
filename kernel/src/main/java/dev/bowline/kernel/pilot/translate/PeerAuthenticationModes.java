package dev.bowline.kernel.pilot.translate;

import dev.bowline.kernel.pilot.config.ConfigResource;
import dev.bowline.kernel.pilot.istio.PeerAuthentication;
import dev.bowline.kernel.pilot.istio.PeerAuthentication.Mtls;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which mutual TLS mode a workload's inbound port accepts, by Istio's PeerAuthentication rules:
 * the narrowest scope that sets a mode wins, from the workload's own policy (the oldest of its
 * namespace whose selector it satisfies: first its {@code portLevelMtls} for the port, then its
 * {@code mtls}), to its namespace's policy without selector, to the root namespace's (mesh-wide),
 * to Istio's default, {@code PERMISSIVE}. {@code UNSET} sets nothing: the next scope decides.
 * Immutable and thread-safe.
 */
final class PeerAuthenticationModes {

  /** What an inbound port accepts. */
  enum Mode {
    /** Plaintext only. */
    DISABLE,
    /** Mutual TLS and plaintext, told apart by the first bytes. */
    PERMISSIVE,
    /** Mutual TLS only. */
    STRICT
  }

  private final List<ConfigResource<PeerAuthentication>> policies;
  private final String rootNamespace;

  /**
   * @param policies every PeerAuthentication, oldest first
   * @param rootNamespace the namespace whose policy without selector is mesh-wide
   */
  PeerAuthenticationModes(List<ConfigResource<PeerAuthentication>> policies, String rootNamespace) {
    this.policies = List.copyOf(policies);
    this.rootNamespace = rootNamespace;
  }

  /** The mode of {@code port} of a workload of {@code namespace} with {@code labels}. */
  Mode mode(String namespace, Map<String, String> labels, int port) {
    List<Mtls> scopes = new ArrayList<>(4);
    ConfigResource<PeerAuthentication> workload = null;
    ConfigResource<PeerAuthentication> namespaceWide = null;
    ConfigResource<PeerAuthentication> meshWide = null;
    for (ConfigResource<PeerAuthentication> p : policies) {
      Map<String, String> selector =
          p.spec().selector() == null ? Map.of() : p.spec().selector().matchLabels();
      if (p.namespace().equals(namespace)) {
        if (selector.isEmpty()) {
          namespaceWide = namespaceWide == null ? p : namespaceWide;
        } else if (workload == null && labels.entrySet().containsAll(selector.entrySet())) {
          workload = p;
        }
      }
      if (p.namespace().equals(rootNamespace) && selector.isEmpty()) {
        meshWide = meshWide == null ? p : meshWide;
      }
    }
    if (workload != null) {
      scopes.add(workload.spec().portLevelMtls().get(Integer.toString(port)));
      scopes.add(workload.spec().mtls());
    }
    if (namespaceWide != null) {
      scopes.add(namespaceWide.spec().mtls());
    }
    if (meshWide != null) {
      scopes.add(meshWide.spec().mtls());
    }
    for (Mtls m : scopes) {
      if (m != null && m.mode() != null && !m.mode().equals("UNSET")) {
        return Mode.valueOf(m.mode());
      }
    }
    return Mode.PERMISSIVE;
  }
}
