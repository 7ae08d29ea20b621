package dev.bowline.kernel.pilot.translate;

import dev.bowline.kernel.pilot.config.ConfigSnapshot;
import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.spi.platform.PlatformSnapshot;
import java.util.Objects;

/**
 * The inputs of one translation: the accepted Istio config and the merged service registry at
 * one moment, and the mesh settings. Immutable; shared by every proxy's translation in a push.
 *
 * @param config the accepted resources
 * @param registry services, endpoints (keyed by service port name) and workloads from every
 *     platform adapter and the embedded registry, merged
 * @param mesh mesh-wide settings
 */
public record PushContext(ConfigSnapshot config, PlatformSnapshot registry, MeshSettings mesh) {

  public PushContext {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(mesh, "mesh");
  }
}
