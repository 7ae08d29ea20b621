package dev.bowline.kernel.demo;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How {@code bowline demo} runs.
 *
 * @param gatewayPort the ingress gateway's HTTP port on this machine
 * @param xdsPort the control plane's plaintext xDS port, which the demo's sidecars use (0: any free
 *     port)
 * @param apiPort the control plane's API port, what bowlinectl talks to (0: any free port)
 * @param dataDir the control plane's data directory (the demo starts from an empty one)
 * @param securePort the control plane's mutual TLS port (Citadel and xDS), where VMs may join (0:
 *     any free port)
 */
public record DemoOptions(int gatewayPort, int xdsPort, int apiPort, Path dataDir, int securePort) {

  public DemoOptions {
    Objects.requireNonNull(dataDir, "dataDir");
  }

  /** Options whose mutual TLS port is any free port. */
  public DemoOptions(int gatewayPort, int xdsPort, int apiPort, Path dataDir) {
    this(gatewayPort, xdsPort, apiPort, dataDir, 0);
  }
}
