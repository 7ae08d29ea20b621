package dev.bowline.proxy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;

/**
 * Reads the text of an Envoy v3 bootstrap, YAML or JSON, into the {@link Bootstrap} message:
 * YAML becomes a JSON tree (Jackson), which protobuf's JSON parser reads with the types of
 * {@link EnvoyTypes#REGISTRY}. When that parser refuses, {@link JsonErrorLocator} finds each
 * offending field's path. Stateless and thread-safe.
 */
final class BootstrapReader {

  private static final JsonFormat.Parser PARSER =
      JsonFormat.parser().usingTypeRegistry(EnvoyTypes.REGISTRY);

  private BootstrapReader() {}

  /**
   * A bootstrap and the fields its text wrote explicitly.
   *
   * @param bootstrap the message
   * @param explicit the full paths of the fields written
   */
  record Parsed(Bootstrap bootstrap, ExplicitFields explicit) {}

  /**
   * Parses {@code text}; {@code fileName} decides YAML or JSON by its extension.
   *
   * @throws ConfigException the syntax error, or each field protobuf refused, by path
   */
  static Parsed read(String fileName, String text) throws ConfigException {
    JsonNode root = DocumentReader.read(fileName, text);
    Bootstrap.Builder builder = Bootstrap.newBuilder();
    try {
      PARSER.merge(DocumentReader.toJson(root), builder);
    } catch (Exception e) {
      Problems problems = new Problems();
      JsonErrorLocator.locate(root, Bootstrap.getDescriptor(), "", problems);
      if (problems.isEmpty()) {
        problems.add("", String.valueOf(e.getMessage()));
      }
      problems.throwIfAny();
    }
    return new Parsed(
        builder.build(),
        ExplicitFields.of(JsonFieldPaths.collect(root, Bootstrap.getDescriptor())));
  }
}
