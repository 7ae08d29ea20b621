package dev.bowline.kernel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bowlinectl delete}: removes resources by kind and name, or those a file describes. */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    description = {
      "Delete Istio resources applied through the API: `delete KIND NAME [-n NS]` or `delete -f FILE`.",
      "Resources from the control plane's config directory are removed by removing their file."
    })
final class DeleteCommand implements Callable<Integer> {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Parameters(arity = "0..2", paramLabel = "KIND NAME", description = "The kind and the name.")
  List<String> target = new ArrayList<>();

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "The namespace (default: default).")
  String namespace;

  @Option(names = {"-f", "--filename"}, paramLabel = "FILE", description = "Delete what these files describe.")
  List<String> files = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<String[]> keys = new ArrayList<>();
    if (!files.isEmpty()) {
      for (ConfigFiles.Source source : ConfigFiles.read(files, System.in)) {
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(source.text())) {
          for (JsonNode doc : docs.readAll()) {
            if (doc != null && doc.has("kind")) {
              keys.add(new String[] {doc.path("kind").asText(),
                  doc.path("metadata").path("namespace").asText("default"),
                  doc.path("metadata").path("name").asText()});
            }
          }
        }
      }
    } else if (target.size() == 2) {
      keys.add(new String[] {target.get(0), namespace == null ? "default" : namespace, target.get(1)});
    } else {
      err.println("delete: give KIND NAME, or -f FILE");
      return ExitCodes.USAGE;
    }
    boolean failed = false;
    for (String[] k : keys) {
      try {
        server.client().delete("/api/v1/resources/" + ApiClient.encode(k[0]) + "/"
            + ApiClient.encode(k[1]) + "/" + ApiClient.encode(k[2]));
        out.println(k[0].toLowerCase(Locale.ROOT) + "/" + k[2] + " deleted");
      } catch (ApiClient.ApiException e) {
        err.println("error: " + e.getMessage());
        failed = true;
      }
    }
    out.flush();
    err.flush();
    return failed ? ExitCodes.FAILED : ExitCodes.OK;
  }
}
