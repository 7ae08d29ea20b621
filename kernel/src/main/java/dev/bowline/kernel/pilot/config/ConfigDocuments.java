package dev.bowline.kernel.pilot.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.TreeMap;

/**
 * Renders stored resources back as the documents an operator wrote, for {@code get -o yaml|json}
 * and for persistence: {@code apiVersion}, {@code kind}, {@code metadata} ({@code name}, {@code
 * namespace}, {@code labels}, {@code annotations}) and the {@code spec} exactly as written. What it writes reads back
 * to the same resource. Stateless and thread-safe.
 */
public final class ConfigDocuments {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final ObjectMapper YAML = YAMLMapper.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
      .build();
  private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  private ConfigDocuments() {}

  /** The document tree of {@code resource}. */
  public static ObjectNode toTree(ConfigResource<?> resource) {
    ObjectNode doc = NODES.objectNode();
    doc.put("apiVersion", resource.apiVersion());
    doc.put("kind", resource.key().kind().kind());
    ObjectNode metadata = doc.putObject("metadata");
    metadata.put("name", resource.name());
    metadata.put("namespace", resource.namespace());
    if (!resource.labels().isEmpty()) {
      ObjectNode labels = metadata.putObject("labels");
      new TreeMap<>(resource.labels()).forEach(labels::put);
    }
    if (!resource.annotations().isEmpty()) {
      ObjectNode annotations = metadata.putObject("annotations");
      new TreeMap<>(resource.annotations()).forEach(annotations::put);
    }
    doc.set("spec", resource.rawSpec().deepCopy());
    return doc;
  }

  /** One YAML document. */
  public static String toYaml(ConfigResource<?> resource) {
    return write(YAML, toTree(resource));
  }

  /** YAML documents separated by {@code ---}, in the given order; empty text for none. */
  public static String toYaml(Collection<? extends ConfigResource<?>> resources) {
    StringBuilder out = new StringBuilder();
    for (ConfigResource<?> r : resources) {
      if (out.length() > 0) {
        out.append("---\n");
      }
      out.append(toYaml(r));
    }
    return out.toString();
  }

  /** One JSON object, indented. */
  public static String toJson(ConfigResource<?> resource) {
    return write(JSON, toTree(resource));
  }

  /** A JSON {@code kind: List} of the resources, as {@code kubectl get -o json} writes lists. */
  public static String toJson(Collection<? extends ConfigResource<?>> resources) {
    ObjectNode list = NODES.objectNode();
    list.put("apiVersion", "v1");
    list.put("kind", "List");
    ArrayNode items = list.putArray("items");
    for (ConfigResource<?> r : resources) {
      items.add(toTree(r));
    }
    return write(JSON, list);
  }

  private static String write(ObjectMapper mapper, ObjectNode tree) {
    try {
      String text = mapper.writeValueAsString(tree);
      return text.endsWith("\n") ? text : text + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("a JSON tree always serializes", e);
    }
  }
}
