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
 * @param dataDir where resources applied through the API and join tokens are kept across
 *     restarts, if anywhere
 * @param secureAddress the mutual TLS gRPC address serving Citadel and ADS (Istio's 15012)
 * @param plaintextXdsAddress the plaintext ADS address (Istio's 15010), when enabled: anyone who
 *     reaches it gets configuration and may register any workload, so it is for local development
 *     only
 * @param apiAddress the HTTP API address (Istio's 15014)
 * @param mesh mesh-wide settings (the trust domain among them)
 * @param registrationGracePeriod how long a disconnected sidecar stays registered
 * @param certificateAuthority the name of Citadel's CA extension, such as {@value #DEFAULT_CA}
 */
public record ControlPlaneOptions(
    Optional<Path> configDir,
    Optional<Path> dataDir,
    InetSocketAddress secureAddress,
    Optional<InetSocketAddress> plaintextXdsAddress,
    InetSocketAddress apiAddress,
    MeshSettings mesh,
    Duration registrationGracePeriod,
    String certificateAuthority) {

  /** Istio's plaintext xDS port. */
  public static final int DEFAULT_XDS_PORT = 15010;
  /** Istio's mutual TLS port for xDS and certificates. */
  public static final int DEFAULT_SECURE_PORT = 15012;
  /** Istio's control plane HTTP port. */
  public static final int DEFAULT_API_PORT = 15014;
  /** The CA used unless the configuration names another. */
  public static final String DEFAULT_CA = "bowline.ca.selfsigned";

  public ControlPlaneOptions {
    Objects.requireNonNull(configDir, "configDir");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(secureAddress, "secureAddress");
    Objects.requireNonNull(plaintextXdsAddress, "plaintextXdsAddress");
    Objects.requireNonNull(apiAddress, "apiAddress");
    Objects.requireNonNull(mesh, "mesh");
    Objects.requireNonNull(registrationGracePeriod, "registrationGracePeriod");
    Objects.requireNonNull(certificateAuthority, "certificateAuthority");
  }
}
