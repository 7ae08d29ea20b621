package dev.bowline.proxy.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.Locale;

/**
 * Reads one YAML or JSON document into a Jackson tree. The format comes from the file name
 * ({@code .yaml}, {@code .yml}, {@code .json}); otherwise a document starting with <code>{</code>
 * is JSON and anything else YAML. YAML anchors, aliases and merge keys are resolved
 * ({@link YamlTrees}). Duplicate keys are errors (a silently overwritten setting is a trap). Errors
 * carry the line and column. Stateless and thread-safe.
 */
final class DocumentReader {

  private static final ObjectMapper YAML =
      YAMLMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private DocumentReader() {}

  /**
   * Parses {@code text}, named {@code fileName}, into its single top-level mapping.
   *
   * @throws ConfigException a problem with the line and column, or an empty or non-mapping
   *     document
   */
  static JsonNode read(String fileName, String text) throws ConfigException {
    ObjectMapper mapper = isJson(fileName, text) ? JSON : YAML;
    JsonNode root;
    try (JsonParser parser = mapper.createParser(text)) {
      if (parser instanceof YAMLParser yaml) {
        root = YamlTrees.readDocument(yaml);
        if (root != null && YamlTrees.readDocument(yaml) != null) {
          throw new ConfigException(
              "the file holds more than one YAML document; a bootstrap is one document");
        }
      } else {
        root = mapper.readTree(parser);
        if (root != null && !root.isMissingNode() && parser.nextToken() != null) {
          throw new ConfigException("unexpected content after the JSON document, at line "
              + parser.currentLocation().getLineNr());
        }
      }
    } catch (JsonProcessingException e) {
      throw new ConfigException(describe(mapper, e));
    } catch (IOException e) {
      throw new ConfigException("cannot parse: " + e.getMessage());
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new ConfigException("the file holds no configuration (it is empty)");
    }
    if (!root.isObject()) {
      throw new ConfigException(
          "the top level must be a mapping (an Envoy v3 Bootstrap), not " + root.getNodeType());
    }
    return root;
  }

  private static boolean isJson(String fileName, String text) {
    String lower = fileName.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".json")) {
      return true;
    }
    if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
      return false;
    }
    return text.stripLeading().startsWith("{");
  }

  private static String describe(ObjectMapper mapper, JsonProcessingException e) {
    String format = mapper == JSON ? "JSON" : "YAML";
    String what = e.getOriginalMessage().replaceAll("\\s+", " ").trim();
    JsonLocation location = e.getLocation();
    if (location == null || location.getLineNr() < 1) {
      return "invalid " + format + ": " + what;
    }
    return "invalid " + format + " at line " + location.getLineNr() + ", column "
        + location.getColumnNr() + ": " + what;
  }

  /** The tree as compact JSON text, for protobuf's JSON parser. */
  static String toJson(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed tree always prints", e);
    }
  }
}
