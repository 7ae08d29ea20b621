package dev.bowline.kernel.cli;

import picocli.CommandLine;

/** Runs a picocli command with Bowline's conventions for errors and exit codes. */
final class Launchers {

  private Launchers() {}

  /** A command line whose usage errors exit {@link ExitCodes#USAGE} and failures {@link ExitCodes#FAILED}. */
  static CommandLine commandLine(Object command) {
    CommandLine cli = new CommandLine(command);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println(commandLine.getCommandName() + ": " + e.getMessage());
          return ExitCodes.FAILED;
        });
    cli.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine commandLine = e.getCommandLine();
          commandLine.getErr().println(commandLine.getCommandName() + ": " + e.getMessage());
          commandLine.getErr().println("Try '" + commandLine.getCommandSpec().qualifiedName() + " --help'.");
          return ExitCodes.USAGE;
        });
    return cli;
  }
}
