package dev.bowline.kernel.pilot.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bowline.kernel.pilot.istio.DestinationRule;
import dev.bowline.kernel.pilot.istio.Gateway;
import dev.bowline.kernel.pilot.istio.PeerAuthentication;
import dev.bowline.kernel.pilot.istio.ServiceEntry;
import dev.bowline.kernel.pilot.istio.Sidecar;
import dev.bowline.kernel.pilot.istio.VirtualService;
import dev.bowline.kernel.pilot.istio.WorkloadEntry;

/**
 * Checks a cleanly read document with the validator of its kind and its Bowline annotations
 * ({@link BowlineAnnotations}), then warns about every field it sets that Bowline does not apply
 * yet. Stateless.
 */
final class ConfigValidator {

  private ConfigValidator() {}

  /** The errors and warnings of {@code doc}, which must be {@link ReadDocument#readable()}. */
  static Validation validate(ReadDocument doc) {
    Validation v = new Validation();
    ConfigKey key = doc.key();
    String ns = key.namespace();
    Object spec = doc.spec();
    switch (key.kind()) {
      case VIRTUAL_SERVICE -> VirtualServiceValidator.validate((VirtualService) spec, ns, v);
      case DESTINATION_RULE -> DestinationRuleValidator.validate((DestinationRule) spec, ns, v);
      case GATEWAY -> {
        if (!KubernetesNames.isDnsLabel(key.name())) {
          v.error("metadata.name", "a Gateway's name must be a DNS-1123 label (no dots), found \""
              + key.name() + "\"");
        }
        GatewayValidator.validate((Gateway) spec, v);
      }
      case SERVICE_ENTRY -> ServiceEntryValidator.validate((ServiceEntry) spec, ns, v);
      case WORKLOAD_ENTRY -> WorkloadEntryValidator.validate((WorkloadEntry) spec, v);
      case SIDECAR -> SidecarValidator.validate((Sidecar) spec, v);
      case PEER_AUTHENTICATION -> PeerAuthenticationValidator.validate((PeerAuthentication) spec, v);
      case AUTHORIZATION_POLICY, REQUEST_AUTHENTICATION ->
          SecurityPolicyValidator.validate(key.kind(), (JsonNode) spec, v);
    }
    BowlineAnnotations.validate(key.kind(), doc.annotations(), spec, v);
    if (!(spec instanceof JsonNode)) {
      UnappliedFieldScanner.scan(spec, "spec", v);
    }
    return v;
  }
}
