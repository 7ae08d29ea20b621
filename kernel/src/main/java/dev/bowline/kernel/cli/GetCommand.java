package dev.bowline.kernel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code bowlinectl get KIND [NAME]}: lists or shows stored Istio resources. */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = {
      "List or show Istio resources stored by the control plane.",
      "KIND is a kind (VirtualService), its plural (virtualservices) or short name (vs, dr, gw, se,"
          + " we, pa, ap, ra)."
    })
final class GetCommand implements Callable<Integer> {

  static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Parameters(index = "0", paramLabel = "KIND", description = "The kind of resource.")
  String kind;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "One resource's name.")
  String name;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "The namespace (default: default).")
  String namespace;

  @Option(names = {"-A", "--all-namespaces"}, description = "Every namespace.")
  boolean allNamespaces;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format output;

  enum Format {
    table,
    yaml,
    json
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    String ns = namespace == null ? "default" : namespace;
    List<JsonNode> items = new ArrayList<>();
    try {
      String base = "/api/v1/resources/" + ApiClient.encode(kind);
      if (name != null) {
        items.add(server.client().get(base + "/" + ApiClient.encode(ns) + "/" + ApiClient.encode(name)));
      } else {
        String query = allNamespaces ? "" : "?namespace=" + ApiClient.encode(ns);
        server.client().get(base + query).path("items").forEach(items::add);
      }
    } catch (ApiClient.ApiException e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    switch (output) {
      case json -> out.println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(
          name != null ? items.get(0) : ApiClient.JSON.createObjectNode().set("items",
              ApiClient.JSON.valueToTree(items))));
      case yaml -> {
        for (int i = 0; i < items.size(); i++) {
          if (i > 0) {
            out.println("---");
          }
          out.print(YAML.writeValueAsString(items.get(i)));
        }
      }
      case table -> {
        if (items.isEmpty()) {
          spec.commandLine().getErr().println("No resources found"
              + (allNamespaces ? "." : " in " + ns + " namespace."));
          return ExitCodes.OK;
        }
        TextTable table = new TextTable("NAMESPACE", "NAME", "SUMMARY");
        for (JsonNode item : items) {
          table.row(item.path("metadata").path("namespace").asText(),
              item.path("metadata").path("name").asText(), summary(item));
        }
        table.print(out);
      }
    }
    out.flush();
    return ExitCodes.OK;
  }

  private static String summary(JsonNode item) {
    JsonNode spec = item.path("spec");
    return switch (item.path("kind").asText()) {
      case "VirtualService" -> "hosts=" + join(spec.path("hosts"))
          + (spec.has("gateways") ? " gateways=" + join(spec.path("gateways")) : "");
      case "DestinationRule" -> "host=" + spec.path("host").asText() + " subsets="
          + join(spec.path("subsets").findValues("name"));
      case "Gateway" -> "servers=" + spec.path("servers").size();
      case "ServiceEntry" -> "hosts=" + join(spec.path("hosts")) + " resolution="
          + spec.path("resolution").asText("NONE");
      case "WorkloadEntry" -> "address=" + spec.path("address").asText();
      case "Sidecar" -> "egress=" + spec.path("egress").size();
      default -> "";
    };
  }

  private static String join(JsonNode array) {
    List<String> parts = new ArrayList<>();
    array.forEach(n -> parts.add(n.asText()));
    return String.join(",", parts);
  }

  private static String join(List<JsonNode> values) {
    List<String> parts = new ArrayList<>();
    values.forEach(n -> parts.add(n.asText()));
    return String.join(",", parts);
  }
}
