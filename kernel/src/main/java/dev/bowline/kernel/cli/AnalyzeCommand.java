package dev.bowline.kernel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bowlinectl analyze [-f FILES]}: validates the stored config, plus the given files as if
 * they were applied, and runs the cross-resource checks (a subset referenced but not defined, two
 * VirtualServices for one host, a host with no service, an unknown gateway). Exit code 1 when
 * anything is an error.
 */
@Command(
    name = "analyze",
    mixinStandardHelpOptions = true,
    description = {
      "Check the mesh's config (and files, as if applied) for errors and conflicts.",
      "Exit code 1 when an error is found; warnings alone exit 0."
    })
final class AnalyzeCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Option(names = {"-f", "--filename"}, paramLabel = "FILE", description = "Files or directories to analyze with the stored config.")
  List<String> files = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    StringBuilder body = new StringBuilder();
    for (ConfigFiles.Source source : ConfigFiles.read(files, System.in)) {
      body.append("---\n# source: ").append(source.name()).append('\n').append(source.text()).append('\n');
    }
    JsonNode answer;
    try {
      answer = server.client().post("/api/v1/analyze", files.isEmpty() ? "stored" : String.join(",", files),
          body.toString());
    } catch (ApiClient.ApiException e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    boolean errors = false;
    for (JsonNode f : answer.path("findings")) {
      String severity = f.path("severity").asText();
      errors |= severity.equals("ERROR");
      String path = f.path("path").asText("");
      out.println((severity.equals("ERROR") ? "Error" : "Warning") + " [" + f.path("resource").asText()
          + "] " + (path.isEmpty() ? "" : path + ": ") + f.path("message").asText());
    }
    if (answer.path("findings").isEmpty()) {
      out.println("No validation issues found.");
    }
    out.flush();
    return errors ? ExitCodes.FAILED : ExitCodes.OK;
  }
}
