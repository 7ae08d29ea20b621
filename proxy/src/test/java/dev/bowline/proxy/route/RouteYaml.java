package dev.bowline.proxy.route;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.util.JsonFormat;
import dev.bowline.proxy.config.ConfigException;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Route configurations written in Envoy's YAML, for readable tests. */
final class RouteYaml {

  static final String PATH = "route_config";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  private RouteYaml() {}

  static RouteConfiguration parse(String yaml) {
    try {
      JsonNode node = YAML.readTree(yaml);
      RouteConfiguration.Builder builder = RouteConfiguration.newBuilder();
      JsonFormat.parser().merge(JSON.writeValueAsString(node), builder);
      return builder.build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Compiles {@code yaml}, failing the test with the problems if it does not compile. */
  static RouteTable compile(String yaml) {
    try {
      return RouteTable.compile(parse(yaml), PATH);
    } catch (ConfigException e) {
      throw new AssertionError("unexpected problems: " + e.problems(), e);
    }
  }

  /** The problems compiling {@code yaml} reports, failing the test if it compiles. */
  static List<String> problems(String yaml) {
    return problems(yaml, PATH);
  }

  static List<String> problems(String yaml, String path) {
    try {
      RouteTable.compile(parse(yaml), path);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected problems compiling:\n" + yaml);
  }

  /** A configuration with one virtual host for every domain and the given routes. */
  static RouteTable routes(String routesYaml) {
    return compile(
        "virtual_hosts:\n- name: vh\n  domains: ['*']\n  routes:\n" + routesYaml.indent(2));
  }
}
