package dev.bowline.kernel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
 *
 * <p>{@code bowlinectl proxy-config secret ADMIN}: the proxy's workload certificate chain and trust
 * bundle (SPIFFE identity, serial, validity), from the proxy's own admin {@code /certs} at ADMIN
 * ({@code host:port}, or a port on 127.0.0.1): secrets never pass through the control plane, so
 * this runs where the proxy's admin port (loopback by default) is reachable.
 */
@Command(
    name = "proxy-config",
    aliases = "pc",
    mixinStandardHelpOptions = true,
    description = {
      "Show the listeners, routes, clusters or endpoints the control plane sent a proxy,",
      "or (secret) the certificates a proxy holds, from its admin port: bowlinectl proxy-config secret 127.0.0.1:15000"
    })
final class ProxyConfigCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Parameters(index = "0", paramLabel = "TYPE", description = "${COMPLETION-CANDIDATES}")
  Type type;

  @Parameters(index = "1", paramLabel = "PROXY",
      description = "Node id or workload.namespace (a unique prefix is enough); for secret, the proxy's admin address (HOST:PORT or PORT).")
  String proxy;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format output;

  enum Type {
    listeners,
    routes,
    clusters,
    endpoints,
    secret
  }

  enum Format {
    table,
    json
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (type == Type.secret) {
      return secret(out);
    }
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
      case secret -> throw new IllegalStateException("handled above");
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

  /** {@code secret}: the proxy admin's {@code /certs}, as a table or as the JSON itself. */
  private int secret(PrintWriter out) throws Exception {
    String admin = proxy.matches("\\d+") ? "127.0.0.1:" + proxy : proxy;
    JsonNode certs;
    try {
      HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
          .send(HttpRequest.newBuilder(URI.create("http://" + admin + "/certs")).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        spec.commandLine().getErr().println("error: the proxy's admin at " + admin + " answered HTTP "
            + response.statusCode() + " to /certs");
        return ExitCodes.FAILED;
      }
      certs = ApiClient.JSON.readTree(response.body());
    } catch (IOException | IllegalArgumentException e) {
      spec.commandLine().getErr().println("error: cannot read /certs from the proxy's admin at " + admin + ": " + e);
      return ExitCodes.FAILED;
    }
    if (output == Format.json) {
      out.println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(certs));
      out.flush();
      return ExitCodes.OK;
    }
    TextTable t = new TextTable("RESOURCE NAME", "TYPE", "IDENTITY", "SERIAL NUMBER", "NOT BEFORE", "NOT AFTER");
    for (JsonNode entry : certs.path("certificates")) {
      for (JsonNode c : entry.path("cert_chain")) {
        t.row("default", "Cert Chain", identity(c), c.path("serial_number").asText(),
            c.path("valid_from").asText(), c.path("expiration_time").asText());
      }
      for (JsonNode c : entry.path("ca_cert")) {
        t.row("ROOTCA", "CA", c.path("subject").asText(), c.path("serial_number").asText(),
            c.path("valid_from").asText(), c.path("expiration_time").asText());
      }
    }
    t.print(out);
    return ExitCodes.OK;
  }

  private static String identity(JsonNode certificate) {
    List<String> uris = new ArrayList<>();
    certificate.path("subject_alt_names").forEach(san -> {
      if (san.has("uri")) {
        uris.add(san.path("uri").asText());
      }
    });
    return uris.isEmpty() ? certificate.path("subject").asText() : String.join(",", uris);
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
