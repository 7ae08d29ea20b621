package dev.bowline.kernel.cli;

import picocli.CommandLine.Command;

/** {@code bowline proxy}: the sidecar or gateway proxy. */
@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    description = "Run the proxy: a sidecar or gateway driven by a bootstrap file or the control plane.")
final class ProxyCommand extends NotYetAvailableCommand {

  @Override
  String displayName() {
    return "bowline proxy";
  }
}
