package dev.bowline.kernel.pilot.config;

import static dev.bowline.kernel.pilot.config.FieldPaths.field;
import static dev.bowline.kernel.pilot.config.FieldPaths.key;

import dev.bowline.kernel.pilot.istio.PeerAuthentication;
import dev.bowline.kernel.pilot.istio.PeerAuthentication.Mtls;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a PeerAuthentication spec with Istio's rules: valid selector labels; each mode one of
 * {@code UNSET}, {@code DISABLE}, {@code PERMISSIVE}, {@code STRICT}; {@code portLevelMtls} keyed
 * by port numbers and only with a selector (a port means something only for chosen workloads).
 * Stateless.
 */
final class PeerAuthenticationValidator {

  static final List<String> MODES = List.of("UNSET", "DISABLE", "PERMISSIVE", "STRICT");

  private PeerAuthenticationValidator() {}

  static void validate(PeerAuthentication pa, Validation v) {
    boolean selects = pa.selector() != null && !pa.selector().matchLabels().isEmpty();
    if (pa.selector() != null) {
      KubernetesNames.checkLabels(pa.selector().matchLabels(), "spec.selector.matchLabels", v);
    }
    mode(pa.mtls(), "spec.mtls", v);
    if (!pa.portLevelMtls().isEmpty() && !selects) {
      v.error("spec.portLevelMtls", "needs a selector: port level mTLS applies to chosen workloads");
    }
    for (Map.Entry<String, Mtls> e : new TreeMap<>(pa.portLevelMtls()).entrySet()) {
      String at = key("spec.portLevelMtls", e.getKey());
      long port;
      try {
        port = Long.parseLong(e.getKey());
      } catch (NumberFormatException notANumber) {
        v.error(at, "\"" + e.getKey() + "\" is not a port number");
        continue;
      }
      PortNumbers.check(port, at, v);
      if (e.getValue() == null) {
        v.error(at, "needs a mode");
      } else {
        mode(e.getValue(), at, v);
      }
    }
  }

  private static void mode(Mtls mtls, String path, Validation v) {
    if (mtls == null || mtls.mode() == null) {
      return;
    }
    if (!MODES.contains(mtls.mode())) {
      v.error(field(path, "mode"), "must be one of " + String.join(", ", MODES) + ", found \""
          + mtls.mode() + "\"");
    }
  }
}
