package dev.bowline.kernel.cli;

import dev.bowline.kernel.BowlineVersion;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bowline version} and {@code bowlinectl version}: prints the build's version. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print the Bowline version.")
final class VersionCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine()
        .getOut()
        .println(
            "bowline " + BowlineVersion.current() + " (java " + System.getProperty("java.version") + ")");
    return ExitCodes.OK;
  }
}
