package dev.bowline.kernel.cli;

import picocli.CommandLine.Command;

/** {@code bowline control-plane}: Pilot, Mixer and Citadel in one process. */
@Command(
    name = "control-plane",
    mixinStandardHelpOptions = true,
    description = "Run the control plane: Pilot (xDS), Mixer and Citadel, with the loaded plugins.")
final class ControlPlaneCommand extends NotYetAvailableCommand {

  @Override
  String displayName() {
    return "bowline control-plane";
  }
}
