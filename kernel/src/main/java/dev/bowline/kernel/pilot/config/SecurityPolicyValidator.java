package dev.bowline.kernel.pilot.config;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Checks the {@code security.istio.io} kinds (PeerAuthentication, AuthorizationPolicy,
 * RequestAuthentication), which Bowline stores as written: the reader already requires the spec
 * to be a mapping; this adds the one warning that they are not enforced yet. Stateless.
 */
final class SecurityPolicyValidator {

  private SecurityPolicyValidator() {}

  static void validate(ConfigKind kind, JsonNode spec, Validation v) {
    v.warn("spec", kind.kind() + " is stored but not enforced by Bowline yet");
  }
}
