package dev.bowline.kernel.demo;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How {@code bowline demo} runs.
 *
 * @param gatewayPort the ingress gateway's HTTP port on this machine
 * @param xdsPort the control plane's xDS port (0: any free port)
 * @param apiPort the control plane's API port, what bowlinectl talks to (0: any free port)
 * @param dataDir the control plane's data directory (the demo starts from an empty one)
 */
public record DemoOptions(int gatewayPort, int xdsPort, int apiPort, Path dataDir) {

  public DemoOptions {
    Objects.requireNonNull(dataDir, "dataDir");
  }
}
