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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bowlinectl proxy-config listeners|routes|clusters|endpoints PROXY}: the Envoy resources
 * the control plane last sent one proxy. PROXY is its node id, {@code workload.namespace}, or a
 * unique prefix of either.
 */
@Command(
    name = "proxy-config",
    aliases = "pc",
    mixinStandardHelpOptions = true,
    description = "Show the listeners, routes, clusters or endpoints the control plane sent a proxy.")
final class ProxyConfigCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Parameters(index = "0", paramLabel = "TYPE", description = "${COMPLETION-CANDIDATES}")
  Type type;

  @Parameters(index = "1", paramLabel = "PROXY", description = "Node id or workload.namespace (a unique prefix is enough).")
  String proxy;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format output;

  enum Type {
    listeners,
    routes,
    clusters,
    endpoints
  }

  enum Format {
    table,
    json
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    JsonNode answer;
    try {
      answer = server.client().get("/api/v1/proxies/" + ApiClient.encode(proxy) + "/config/" + type);
    } catch (ApiClient.ApiException e) {
      spec.commandLine().getErr().println("error: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    JsonNode resources = answer.path("resources");
    if (output == Format.json) {
      out.println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(resources));
      out.flush();
      return ExitCodes.OK;
    }
    TextTable table = switch (type) {
      case listeners -> {
        TextTable t = new TextTable("NAME", "ADDRESS", "PORT", "ROUTES");
        for (JsonNode l : resources) {
          JsonNode socket = l.path("address").path("socket_address");
          t.row(l.path("name").asText(), socket.path("address").asText(),
              socket.path("port_value").asText(), String.join(",", l.findValuesAsText("route_config_name")));
        }
        yield t;
      }
      case routes -> {
        TextTable t = new TextTable("NAME", "VIRTUAL HOST", "DOMAINS", "ROUTES", "ROUTE FILTERS");
        for (JsonNode r : resources) {
          for (JsonNode vh : r.path("virtual_hosts")) {
            List<String> domains = new ArrayList<>();
            vh.path("domains").forEach(d -> domains.add(d.asText()));
            t.row(r.path("name").asText(), vh.path("name").asText(),
                domains.size() > 3 ? String.join(",", domains.subList(0, 3)) + ",+" + (domains.size() - 3)
                    : String.join(",", domains),
                Integer.toString(vh.path("routes").size()), routeFilters(vh));
          }
        }
        yield t;
      }
      case clusters -> {
        TextTable t = new TextTable("NAME", "TYPE", "LB POLICY", "HEALTH CHECK");
        for (JsonNode c : resources) {
          t.row(c.path("name").asText(), c.path("type").asText("STATIC"),
              c.path("lb_policy").asText("ROUND_ROBIN"), healthCheck(c.path("health_checks")));
        }
        yield t;
      }
      case endpoints -> {
        TextTable t = new TextTable("ENDPOINT", "STATUS", "WEIGHT", "CLUSTER");
        for (JsonNode cla : resources) {
          for (JsonNode locality : cla.path("endpoints")) {
            for (JsonNode e : locality.path("lb_endpoints")) {
              JsonNode socket = e.path("endpoint").path("address").path("socket_address");
              t.row(socket.path("address").asText() + ":" + socket.path("port_value").asText(),
                  e.path("health_status").asText("HEALTHY"),
                  e.path("load_balancing_weight").asText("1"), cla.path("cluster_name").asText());
            }
          }
        }
        yield t;
      }
    };
    table.print(out);
    return ExitCodes.OK;
  }

  /** The filters a virtual host's routes configure (fault, cors, local_ratelimit), or "-". */
  private static String routeFilters(JsonNode vh) {
    java.util.Set<String> names = new java.util.TreeSet<>();
    vh.path("typed_per_filter_config").fieldNames().forEachRemaining(names::add);
    for (JsonNode r : vh.path("routes")) {
      r.path("typed_per_filter_config").fieldNames().forEachRemaining(names::add);
    }
    List<String> shortNames = new ArrayList<>();
    names.forEach(n -> shortNames.add(n.replace("envoy.filters.http.", "")));
    return shortNames.isEmpty() ? "-" : String.join(",", shortNames);
  }

  /** An active health check in a few words ({@code http /health every 1s}), or "-". */
  private static String healthCheck(JsonNode checks) {
    if (checks.isEmpty()) {
      return "-";
    }
    JsonNode hc = checks.get(0);
    String kind = hc.has("http_health_check") ? "http " + hc.path("http_health_check").path("path").asText()
        : hc.has("grpc_health_check") ? "grpc" : "tcp";
    return kind + " every " + hc.path("interval").asText("?");
  }
}
