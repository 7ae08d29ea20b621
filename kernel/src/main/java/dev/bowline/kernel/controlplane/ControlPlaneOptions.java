package dev.bowline.kernel.controlplane;

import dev.bowline.kernel.pilot.config.MeshSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to run the control plane.
 *
 * @param configDir a directory of Istio YAML to watch, if any
 * @param dataDir where resources applied through the API are kept across restarts, if anywhere
 * @param xdsAddress the gRPC (ADS) address (Istio's 15010)
 * @param apiAddress the HTTP API address (Istio's 15014)
 * @param mesh mesh-wide settings
 * @param registrationGracePeriod how long a disconnected sidecar stays registered
 */
public record ControlPlaneOptions(
    Optional<Path> configDir,
    Optional<Path> dataDir,
    InetSocketAddress xdsAddress,
    InetSocketAddress apiAddress,
    MeshSettings mesh,
    Duration registrationGracePeriod) {

  /** Istio's plaintext xDS port. */
  public static final int DEFAULT_XDS_PORT = 15010;
  /** Istio's control plane HTTP port. */
  public static final int DEFAULT_API_PORT = 15014;

  public ControlPlaneOptions {
    Objects.requireNonNull(configDir, "configDir");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(xdsAddress, "xdsAddress");
    Objects.requireNonNull(apiAddress, "apiAddress");
    Objects.requireNonNull(mesh, "mesh");
    Objects.requireNonNull(registrationGracePeriod, "registrationGracePeriod");
  }
}
