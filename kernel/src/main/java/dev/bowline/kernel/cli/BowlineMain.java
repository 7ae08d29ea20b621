package dev.bowline.kernel.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bowline}: runs Bowline's processes. */
@Command(
    name = "bowline",
    mixinStandardHelpOptions = true,
    versionProvider = BowlineVersionProvider.class,
    description = "Run Bowline: the control plane, a proxy, or the agent of a proxyless gRPC application.",
    subcommands = {
      ControlPlaneCommand.class, ProxyCommand.class, AgentCommand.class, DemoCommand.class, CdsCommand.class,
      VersionCommand.class
    })
public final class BowlineMain implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a subcommand is required");
  }

  public static void main(String[] args) {
    System.exit(Launchers.commandLine(new BowlineMain()).execute(args));
  }
}
