package dev.bowline.kernel.pilot.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bowline.kernel.pilot.config.ConfigKey;
import dev.bowline.kernel.pilot.config.ConfigKind;
import dev.bowline.kernel.pilot.config.ConfigResource;
import dev.bowline.kernel.pilot.config.ConfigSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds a {@link ConfigSnapshot} by hand from Istio YAML documents (as users write them), each
 * resource getting the next revision, so that later documents are younger.
 */
final class ConfigFixtures {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Map<ConfigKey, ConfigResource<?>> resources = new LinkedHashMap<>();
  private long revision;

  /**
   * A {@code networking.istio.io/v1} DestinationRule as a user writes it, with {@code spec} (YAML,
   * not indented).
   */
  static String destinationRule(String namespace, String name, String spec) {
    return networking("DestinationRule", namespace, name, spec);
  }

  /**
   * A {@code networking.istio.io/v1} VirtualService as a user writes it, with {@code spec} (YAML,
   * not indented).
   */
  static String virtualService(String namespace, String name, String spec) {
    return networking("VirtualService", namespace, name, spec);
  }

  private static String networking(String kind, String namespace, String name, String spec) {
    return """
        apiVersion: networking.istio.io/v1
        kind: %s
        metadata: {name: %s, namespace: %s}
        spec:
        %s"""
        .formatted(kind, name, namespace, spec.indent(2));
  }

  /** Adds every document of {@code yaml} (separated by {@code ---}). */
  ConfigFixtures add(String yaml) {
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc != null && !doc.isEmpty()) {
          addDocument(doc, ++revision);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Adds one document with an explicit revision. */
  ConfigFixtures add(String yaml, long atRevision) {
    try {
      addDocument(YAML.readTree(yaml), atRevision);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    revision = Math.max(revision, atRevision);
    return this;
  }

  ConfigSnapshot snapshot() {
    return new ConfigSnapshot(revision, resources);
  }

  private void addDocument(JsonNode doc, long rev) throws IOException {
    ConfigKind kind =
        ConfigKind.ofKind(doc.path("kind").asText())
            .orElseThrow(() -> new IllegalArgumentException("unknown kind in " + doc));
    JsonNode meta = doc.path("metadata");
    String namespace = meta.path("namespace").asText("default");
    ConfigKey key = new ConfigKey(kind, namespace, meta.path("name").asText());
    JsonNode spec = doc.has("spec") ? doc.get("spec") : YAML.createObjectNode();
    Object typed = YAML.treeToValue(spec, kind.specType());
    Map<String, String> labels = new HashMap<>();
    if (meta.has("labels")) {
      ((ObjectNode) meta.get("labels")).fields()
          .forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    }
    Map<String, String> annotations = new HashMap<>();
    if (meta.has("annotations")) {
      meta.get("annotations").fields()
          .forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
    }
    resources.put(
        key,
        new ConfigResource<>(
            key, doc.path("apiVersion").asText(kind.preferredApiVersion()), labels, annotations,
            typed, spec, rev, "test"));
  }
}
