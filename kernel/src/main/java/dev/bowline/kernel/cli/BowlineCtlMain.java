package dev.bowline.kernel.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code bowlinectl}: the operator's command-line tool. */
@Command(
    name = "bowlinectl",
    mixinStandardHelpOptions = true,
    versionProvider = BowlineVersionProvider.class,
    description = "Operate a Bowline mesh.",
    subcommands = {
      ApplyCommand.class,
      GetCommand.class,
      DeleteCommand.class,
      ProxyStatusCommand.class,
      ProxyConfigCommand.class,
      AnalyzeCommand.class,
      TokenCommand.class,
      CaCommand.class,
      PluginsCommand.class,
      VersionCommand.class
    })
public final class BowlineCtlMain implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a subcommand is required");
  }

  public static void main(String[] args) {
    System.exit(Launchers.commandLine(new BowlineCtlMain()).execute(args));
  }
}
