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
 * {@code bowlinectl proxy-status}: every connected proxy with the state of each xDS type, as
 * {@code istioctl proxy-status} shows it: SYNCED (the proxy acknowledged the latest push), STALE
 * (sent, not acknowledged yet), NACK (rejected; the error follows the table) or NOT SENT.
 */
@Command(
    name = "proxy-status",
    aliases = "ps",
    mixinStandardHelpOptions = true,
    description = "Show each connected proxy and whether it holds the latest config (CDS, LDS, EDS, RDS) and,"
        + " if it has a workload identity, the current trust bundle (SDS ROOTCA; '-' without).")
final class ProxyStatusCommand implements Callable<Integer> {

  static final List<String> TYPES = List.of("CDS", "LDS", "EDS", "RDS");

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format output;

  enum Format {
    table,
    json
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    JsonNode answer;
    try {
      answer = server.client().get("/api/v1/proxies");
    } catch (ApiClient.ApiException e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    if (output == Format.json) {
      out.println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
      out.flush();
      return ExitCodes.OK;
    }
    TextTable table = new TextTable("NAME", "TYPE", "CDS", "LDS", "EDS", "RDS", "SDS", "VERSION");
    List<String> errors = new ArrayList<>();
    for (JsonNode p : answer.path("proxies")) {
      String[] row = new String[8];
      row[0] = p.path("name").asText();
      row[1] = p.path("type").asText();
      for (int i = 0; i < TYPES.size(); i++) {
        JsonNode t = p.path("types").path(TYPES.get(i));
        row[2 + i] = t.path("state").asText("NOT SENT").replace('_', ' ');
        if (!t.path("error").asText("").isEmpty()) {
          errors.add(row[0] + " " + TYPES.get(i) + " rejected version "
              + t.path("rejectedVersion").asText("?") + ": " + t.path("error").asText());
        }
      }
      JsonNode sds = p.path("types").path("SDS");
      row[6] = sds.isMissingNode() ? "-" : sds.path("state").asText();
      row[7] = p.path("version").asText();
      table.row(row);
    }
    if (table.isEmpty()) {
      out.println("No proxies connected.");
    } else {
      table.print(out);
    }
    errors.forEach(out::println);
    out.flush();
    return ExitCodes.OK;
  }
}
