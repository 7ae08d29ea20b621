package dev.bowline.kernel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bowlinectl ca root}: Citadel's trust bundle, the roots every proxy verifies against;
 * {@code bowlinectl ca rotate}: replace the root without a failed request.
 */
@Command(
    name = "ca",
    mixinStandardHelpOptions = true,
    description = "Citadel's certificate authority.",
    subcommands = {CaCommand.Root.class, CaCommand.Rotate.class})
final class CaCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: root, rotate");
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

  /** {@code ca rotate}. */
  @Command(name = "rotate", mixinStandardHelpOptions = true,
      description = {"Replace the CA's root with a new one, with no failed request:",
          "the new root is trusted everywhere first, then signs and every proxy gets a certificate",
          "under it, then the old root is retired. Waits and shows each step unless --no-wait."})
  static final class Rotate implements Callable<Integer> {

    private static final String PATH = "/api/v1/ca/rotation";

    @Spec CommandSpec spec;

    @Mixin ServerOptions server;

    @Option(names = "--no-wait", description = "Start the rotation and return; follow it with --status.")
    boolean noWait;

    @Option(names = "--status", description = "Show where the rotation stands and return.")
    boolean statusOnly;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m",
        description = "How long to wait for the rotation to finish (default: ${DEFAULT-VALUE});"
            + " it goes on in the control plane after that.")
    String timeout;

    @Override
    public Integer call() throws InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Duration limit;
      try {
        limit = Duration.parse("PT" + timeout.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        err.println("error: --timeout: not a duration such as 90s, 10m or 1h: " + timeout);
        return ExitCodes.USAGE;
      }
      try {
        ApiClient client = server.client();
        if (statusOnly) {
          print(out, client.get(PATH), true);
          return ExitCodes.OK;
        }
        JsonNode status = client.post(PATH, "bowlinectl", "");
        print(out, status, true);
        if (noWait) {
          return ExitCodes.OK;
        }
        long deadline = System.nanoTime() + limit.toNanos();
        String shown = line(status);
        while (status.path("running").asBoolean()) {
          if (System.nanoTime() > deadline) {
            err.println("error: the rotation did not finish within " + timeout + "; it goes on in the control plane"
                + " (bowlinectl ca rotate --status). Waiting for:");
            status.path("waitingFor").forEach(w -> err.println("  " + w.asText()));
            return ExitCodes.FAILED;
          }
          Thread.sleep(POLL.toMillis());
          status = client.get(PATH);
          if (!line(status).equals(shown)) {
            shown = line(status);
            print(out, status, false);
          }
        }
        out.println("root rotation done: the trust bundle holds only the new root");
        print(out, status, true);
        out.flush();
        return ExitCodes.OK;
      } catch (ApiClient.ApiException e) {
        err.println("error: " + e.getMessage());
        return ExitCodes.FAILED;
      }
    }

    private static final Duration POLL = Duration.ofSeconds(1);

    private static String line(JsonNode status) {
      return status.path("step").asText() + " " + status.path("waitingFor").size() + " "
          + status.path("lastError").asText();
    }

    private static void print(PrintWriter out, JsonNode status, boolean roots) {
      out.printf("phase %s, step %s: %s%n", status.path("phase").asText(), status.path("step").asText(),
          status.path("description").asText());
      if (status.path("waitingFor").size() > 0) {
        out.printf("  waiting for %d: %s%n", status.path("waitingFor").size(),
            status.path("waitingFor").get(0).asText() + (status.path("waitingFor").size() > 1 ? ", ..." : ""));
      }
      if (status.has("lastError")) {
        out.println("  last error (retrying): " + status.path("lastError").asText());
      }
      if (roots) {
        for (JsonNode root : status.path("roots")) {
          out.printf("  root %s serial %s valid until %s SHA-256 %s%n", root.path("subject").asText(),
              root.path("serial").asText(), root.path("notAfter").asText(), root.path("sha256").asText());
        }
      }
      out.flush();
    }
  }
}
