package dev.bowline.kernel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bowlinectl apply -f FILE|DIR|-}: sends Istio resources to the control plane, which
 * creates or updates each valid document and rejects each invalid one with its field path, as
 * {@code kubectl apply} does. Exit code 1 when any document was rejected.
 */
@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    description = {
      "Create or update Istio resources (VirtualService, DestinationRule, Gateway, ServiceEntry,"
          + " WorkloadEntry, security.istio.io kinds) from YAML or JSON.",
      "Exit code 1 when any document was rejected; valid documents are applied regardless."
    })
final class ApplyCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Option(
      names = {"-f", "--filename"},
      paramLabel = "FILE",
      required = true,
      description = "A file, a directory of .yaml/.yml/.json files, or - for standard input. Repeatable.")
  List<String> files;

  @Option(names = "--dry-run", description = "Validate only; change nothing.")
  boolean dryRun;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ApiClient api = server.client();
    boolean failed = false;
    for (ConfigFiles.Source source : ConfigFiles.read(files, System.in)) {
      JsonNode answer;
      try {
        answer = api.post("/api/v1/apply" + (dryRun ? "?dryRun=true" : ""), source.name(), source.text());
      } catch (ApiClient.ApiException e) {
        err.println("error: " + source.name() + ": " + e.getMessage());
        failed = true;
        if (e.status() == 0) {
          break;
        }
        continue;
      }
      failed |= OutcomePrinter.print(answer.path("outcomes"), dryRun, out, err);
    }
    out.flush();
    err.flush();
    return failed ? ExitCodes.FAILED : ExitCodes.OK;
  }

  /** Prints apply outcomes kubectl's way. */
  static final class OutcomePrinter {
    private OutcomePrinter() {}

    /** Prints every outcome; returns whether any was rejected. */
    static boolean print(JsonNode outcomes, boolean dryRun, PrintWriter out, PrintWriter err) {
      boolean rejected = false;
      for (JsonNode o : outcomes) {
        String kind = o.path("kind").asText("?");
        String name = o.path("namespace").asText("default") + "/" + o.path("name").asText("?");
        for (JsonNode w : o.path("warnings")) {
          err.println("Warning: " + kind + " " + name + ": " + w.asText());
        }
        String action = o.path("action").asText();
        if (action.equals("REJECTED")) {
          rejected = true;
          for (JsonNode e : o.path("errors")) {
            err.println("Error: " + kind + " " + name + ": " + e.asText());
          }
        } else {
          out.println(kind.toLowerCase(Locale.ROOT) + "/" + o.path("name").asText() + " "
              + action.toLowerCase(Locale.ROOT) + (dryRun ? " (dry run)" : ""));
        }
      }
      return rejected;
    }
  }
}
