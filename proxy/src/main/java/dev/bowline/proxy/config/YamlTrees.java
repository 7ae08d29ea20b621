package dev.bowline.proxy.config;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a Jackson tree from a YAML token stream, resolving anchors ({@code &name}), aliases
 * ({@code *name}) and merge keys ({@code <<: *name}) as YAML and Envoy do. Jackson's own tree
 * reader would silently turn an alias into the anchor's name as a string. Jackson's parser reports
 * anchors on mappings and lists only, so an alias of an anchored single value is an error, never
 * a wrong value. Alias expansion is bounded (a "billion laughs" document is refused). One instance
 * per document; not thread-safe.
 */
final class YamlTrees {

  /** The most nodes aliases may add to one document. */
  static final long MAX_ALIASED_NODES = 1_000_000;

  private static final String MERGE_KEY = "<<";

  private final YAMLParser parser;
  private final JsonNodeFactory nodes = JsonNodeFactory.instance;
  private final Map<String, JsonNode> anchors = new HashMap<>();
  private final Map<JsonNode, Long> sizes = new IdentityHashMap<>();
  private long aliasedNodes;

  private YamlTrees(YAMLParser parser) {
    this.parser = parser;
  }

  /**
   * Reads the next document of {@code parser}, or returns null at the end of the stream.
   *
   * @throws ConfigException an undefined alias, a bad merge key, or too many aliased nodes
   */
  static JsonNode readDocument(YAMLParser parser) throws IOException, ConfigException {
    JsonToken token = parser.nextToken();
    return token == null ? null : new YamlTrees(parser).value(token);
  }

  private JsonNode value(JsonToken token) throws IOException, ConfigException {
    if (parser.isCurrentAlias()) {
      return alias(parser.getText());
    }
    String anchor = parser.getCurrentAnchor();
    JsonNode node;
    switch (token) {
      case START_OBJECT:
        node = object();
        break;
      case START_ARRAY:
        node = array();
        break;
      case VALUE_STRING:
        node = nodes.textNode(parser.getText());
        break;
      case VALUE_NUMBER_INT:
        node = nodes.numberNode(parser.getBigIntegerValue());
        break;
      case VALUE_NUMBER_FLOAT:
        double value = parser.getDoubleValue();
        node = Double.isFinite(value)
            ? nodes.numberNode(parser.getDecimalValue())
            : nodes.textNode(parser.getText()); // .inf, .nan: left for the field to judge
        break;
      case VALUE_TRUE:
      case VALUE_FALSE:
        node = nodes.booleanNode(token == JsonToken.VALUE_TRUE);
        break;
      case VALUE_NULL:
        node = nodes.nullNode();
        break;
      default:
        node = nodes.textNode(parser.getText());
    }
    if (anchor != null) {
      anchors.put(anchor, node);
    }
    return node;
  }

  private JsonNode alias(String name) throws ConfigException {
    JsonNode node = anchors.get(name);
    if (node == null) {
      throw new ConfigException(
          "invalid YAML at line " + parser.currentLocation().getLineNr() + ": alias *" + name
              + " refers to no anchor of a mapping or list defined before it (anchors on single"
              + " values are not supported)");
    }
    aliasedNodes += size(node);
    if (aliasedNodes > MAX_ALIASED_NODES) {
      throw new ConfigException("invalid YAML: aliases expand to more than " + MAX_ALIASED_NODES
          + " nodes");
    }
    return node; // shared, never modified
  }

  private ObjectNode object() throws IOException, ConfigException {
    ObjectNode own = nodes.objectNode();
    List<JsonNode> merged = new ArrayList<>();
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      JsonNode value = value(parser.nextToken());
      if (key.equals(MERGE_KEY)) {
        merged.addAll(value.isArray() ? toList(value) : List.of(value));
      } else {
        own.set(key, value);
      }
    }
    if (merged.isEmpty()) {
      return own;
    }
    ObjectNode result = nodes.objectNode();
    for (JsonNode source : merged) { // the first mapping merged wins, and own keys win over all
      if (!source.isObject()) {
        throw new ConfigException("invalid YAML at line " + parser.currentLocation().getLineNr()
            + ": a merge key (<<) takes a mapping or a list of mappings");
      }
      source.properties().forEach(e -> {
        if (!result.has(e.getKey())) {
          result.set(e.getKey(), e.getValue());
        }
      });
    }
    own.properties().forEach(e -> result.set(e.getKey(), e.getValue()));
    return result;
  }

  private ArrayNode array() throws IOException, ConfigException {
    ArrayNode array = nodes.arrayNode();
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      array.add(value(token));
    }
    return array;
  }

  private static List<JsonNode> toList(JsonNode array) {
    List<JsonNode> list = new ArrayList<>();
    array.forEach(list::add);
    return list;
  }

  private long size(JsonNode node) {
    Long known = sizes.get(node);
    if (known != null) {
      return known;
    }
    long size = 1;
    for (JsonNode child : node) {
      size += size(child);
    }
    sizes.put(node, size);
    return size;
  }
}
