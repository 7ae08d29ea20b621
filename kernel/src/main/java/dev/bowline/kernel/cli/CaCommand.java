package dev.bowline.kernel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code bowlinectl ca root}: Citadel's trust bundle, the roots every proxy verifies against. */
@Command(
    name = "ca",
    mixinStandardHelpOptions = true,
    description = "Citadel's certificate authority.",
    subcommands = {CaCommand.Root.class})
final class CaCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: root");
  }

  /** {@code ca root}. */
  @Command(name = "root", mixinStandardHelpOptions = true,
      description = {"Print the trust bundle (PEM), for a joining proxy's --ca-root:",
          "bowlinectl ca root > root.pem"})
  static final class Root implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin ServerOptions server;

    @Override
    public Integer call() {
      try {
        JsonNode bundle = server.client().get("/api/v1/ca/root");
        spec.commandLine().getOut().print(bundle.path("pem").asText());
        spec.commandLine().getOut().flush();
        for (JsonNode root : bundle.path("roots")) {
          spec.commandLine().getErr().printf("root %s, valid until %s, SHA-256 %s%n", root.path("subject").asText(),
              root.path("notAfter").asText(), root.path("sha256").asText());
        }
        return ExitCodes.OK;
      } catch (ApiClient.ApiException e) {
        spec.commandLine().getErr().println("error: " + e.getMessage());
        return ExitCodes.FAILED;
      }
    }
  }
}
