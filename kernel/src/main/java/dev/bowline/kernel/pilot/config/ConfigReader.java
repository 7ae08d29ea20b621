package dev.bowline.kernel.pilot.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads multi-document YAML, or JSON, into {@link ReadDocument}s: each document's {@code
 * apiVersion} (accepted by its kind), {@code kind}, {@code metadata.name} (a DNS-1123 subdomain),
 * {@code metadata.namespace} (a DNS-1123 label, {@code default} when absent), {@code
 * metadata.labels} and {@code metadata.annotations} (string values), and its {@code spec} bound to the kind's type by a binder that refuses
 * unknown fields and loose type coercion, each failure named by its field path. {@code status}
 * and other metadata are ignored; empty documents are skipped; a {@code kind: List} of items (as
 * {@code kubectl get -o yaml} writes) is read item by item. Stateless and thread-safe.
 */
final class ConfigReader {

  /**
   * The result of reading one text: its documents, or the syntax error that stopped reading (a
   * problem about the whole text, whose message does not repeat the text's name).
   */
  record Result(List<ReadDocument> documents, Optional<Problem> syntaxError) {
    Result {
      documents = List.copyOf(documents);
    }
  }

  private static final Set<String> TOP_LEVEL = Set.of("apiVersion", "kind", "metadata", "spec", "status");
  private static final ObjectMapper YAML =
      YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY).build();
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY).build();

  private ConfigReader() {}

  /**
   * Reads {@code text}.
   *
   * @param documentName how messages name the text, such as a file name
   */
  static Result read(String documentName, String text) {
    String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
    List<JsonNode> trees = new ArrayList<>();
    try (MappingIterator<JsonNode> it = mapperFor(t).readerFor(JsonNode.class).readValues(t)) {
      while (it.hasNextValue()) {
        trees.add(it.nextValue());
      }
    } catch (JacksonException e) {
      return new Result(List.of(), Optional.of(syntaxError(e)));
    } catch (IOException e) {
      return new Result(List.of(), Optional.of(new Problem("", "cannot be read: " + e.getMessage())));
    }
    boolean several = trees.size() > 1;
    List<ReadDocument> out = new ArrayList<>();
    for (int i = 0; i < trees.size(); i++) {
      JsonNode tree = trees.get(i);
      if (tree == null || tree.isNull() || tree.isMissingNode()) {
        continue;
      }
      String label = several ? documentName + " (document " + (i + 1) + ")" : documentName;
      if (tree.isArray()) {
        items(tree, label, out);
      } else if (tree.isObject() && "List".equals(tree.path("kind").asText(null)) && tree.has("items")) {
        items(tree.get("items"), label, out);
      } else {
        out.add(document(tree, label));
      }
    }
    return new Result(out, Optional.empty());
  }

  private static ObjectMapper mapperFor(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isWhitespace(c)) {
        return c == '{' || c == '[' ? JSON : YAML;
      }
    }
    return YAML;
  }

  private static void items(JsonNode items, String label, List<ReadDocument> out) {
    if (!items.isArray()) {
      out.add(new ReadDocument(label, "List", null, null, null, Map.of(), Map.of(), null, null,
          List.of(new Problem("items", "expected a list of resources, found " + SpecBinder.describe(items)))));
      return;
    }
    for (int j = 0; j < items.size(); j++) {
      JsonNode item = items.get(j);
      if (item != null && !item.isNull()) {
        out.add(document(item, label + " item " + (j + 1)));
      }
    }
  }

  private static ReadDocument document(JsonNode tree, String label) {
    List<Problem> errors = new ArrayList<>();
    if (!tree.isObject()) {
      errors.add(new Problem("", "expected a mapping with apiVersion, kind, metadata and spec, found "
          + SpecBinder.describe(tree)));
      return new ReadDocument(label, null, null, null, null, Map.of(), Map.of(), null, null, errors);
    }
    tree.fieldNames().forEachRemaining(f -> {
      if (!TOP_LEVEL.contains(f)) {
        errors.add(new Problem(FieldPaths.key("", f),
            "unknown field (a resource has apiVersion, kind, metadata and spec)"));
      }
    });
    String apiVersion = text(tree, "apiVersion", "", true, errors);
    String kindName = text(tree, "kind", "", true, errors);
    String name = null;
    String namespace = "default";
    boolean identified = true;
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, String> annotations = new LinkedHashMap<>();
    JsonNode metadata = tree.get("metadata");
    if (metadata == null || metadata.isNull()) {
      errors.add(new Problem("metadata", "required"));
      identified = false;
    } else if (!metadata.isObject()) {
      errors.add(new Problem("metadata", "expected a mapping, found " + SpecBinder.describe(metadata)));
      identified = false;
    } else {
      name = text(metadata, "name", "metadata", true, errors);
      if (name == null) {
        identified = false;
        if (metadata.has("generateName")) {
          errors.add(new Problem("metadata.generateName", "not supported; set metadata.name"));
        }
      } else if (!KubernetesNames.isDnsSubdomain(name)) {
        errors.add(new Problem("metadata.name", "\"" + name + "\" is not a valid name: lower case letters,"
            + " digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters"));
        identified = false;
      }
      String ns = text(metadata, "namespace", "metadata", false, errors);
      if (ns != null && !ns.isEmpty()) {
        namespace = ns;
        if (!KubernetesNames.isDnsLabel(ns)) {
          errors.add(new Problem("metadata.namespace", "\"" + ns + "\" is not a valid namespace: lower case"
              + " letters, digits and '-', starting and ending with a letter or digit, at most 63 characters"));
          identified = false;
        }
      }
      labels(metadata.get("labels"), labels, errors);
      annotations(metadata.get("annotations"), annotations, errors);
    }
    ConfigKind kind = kindName == null ? null : ConfigKind.ofKind(kindName).orElse(null);
    if (kindName != null) {
      if (kind == null) {
        errors.add(new Problem("kind", "\"" + kindName + "\" is not a kind Bowline stores ("
            + Arrays.stream(ConfigKind.values()).map(ConfigKind::kind).collect(Collectors.joining(", ")) + ")"));
      } else if (apiVersion != null && !kind.accepts(apiVersion)) {
        errors.add(new Problem("apiVersion", "\"" + apiVersion + "\" is not accepted for " + kind.kind() + " (use "
            + kind.versions().stream().map(ver -> kind.group() + "/" + ver).collect(Collectors.joining(", ")) + ")"));
      }
    }
    ConfigKey key = kind != null && identified ? new ConfigKey(kind, namespace, name) : null;
    JsonNode rawSpec = tree.get("spec");
    Object spec = null;
    if (kind != null) {
      if (rawSpec == null || rawSpec.isNull()) {
        errors.add(new Problem("spec", "required (write spec: {} for an empty spec)"));
      } else if (!rawSpec.isObject()) {
        errors.add(new Problem("spec", "expected a mapping, found " + SpecBinder.describe(rawSpec)));
      } else {
        spec = SpecBinder.bind((ObjectNode) rawSpec, kind.specType(), errors);
      }
    }
    if (!errors.isEmpty()) {
      spec = null;
    }
    return new ReadDocument(label, kindName, name, key, apiVersion, labels, annotations,
        spec, rawSpec == null || rawSpec.isNull() ? null : rawSpec.deepCopy(), errors);
  }

  private static String text(JsonNode parent, String field, String parentPath, boolean required, List<Problem> errors) {
    JsonNode n = parent.get(field);
    String path = FieldPaths.field(parentPath, field);
    if (n == null || n.isNull()) {
      if (required) {
        errors.add(new Problem(path, "required"));
      }
      return null;
    }
    if (!n.isTextual()) {
      errors.add(new Problem(path, "expected a string, found " + SpecBinder.describe(n)));
      return null;
    }
    if (required && n.asText().isEmpty()) {
      errors.add(new Problem(path, "required"));
      return null;
    }
    return n.asText();
  }

  private static void labels(JsonNode node, Map<String, String> out, List<Problem> errors) {
    if (node == null || node.isNull()) {
      return;
    }
    if (!node.isObject()) {
      errors.add(new Problem("metadata.labels", "expected a mapping, found " + SpecBinder.describe(node)));
      return;
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String at = FieldPaths.key("metadata.labels", e.getKey());
      JsonNode value = e.getValue();
      if (!value.isTextual()) {
        errors.add(new Problem(at, "expected a string, found " + SpecBinder.describe(value)
            + "; quote the value so YAML reads it as a string"));
        continue;
      }
      KubernetesNames.labelKeyError(e.getKey()).ifPresent(m -> errors.add(new Problem(at, m)));
      KubernetesNames.labelValueError(value.asText()).ifPresent(m -> errors.add(new Problem(at, m)));
      out.put(e.getKey(), value.asText());
    }
  }

  private static void annotations(JsonNode node, Map<String, String> out, List<Problem> errors) {
    if (node == null || node.isNull()) {
      return;
    }
    if (!node.isObject()) {
      errors.add(new Problem("metadata.annotations", "expected a mapping, found " + SpecBinder.describe(node)));
      return;
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String at = FieldPaths.key("metadata.annotations", e.getKey());
      JsonNode value = e.getValue();
      if (!value.isTextual()) {
        errors.add(new Problem(at, "expected a string, found " + SpecBinder.describe(value)
            + "; write the value as a quoted string or a YAML block (|)"));
        continue;
      }
      KubernetesNames.labelKeyError(e.getKey()).ifPresent(m -> errors.add(new Problem(at, m)));
      out.put(e.getKey(), value.asText());
    }
  }

  private static Problem syntaxError(JacksonException e) {
    String original = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
    List<String> parts = new ArrayList<>();
    boolean quoting = false;
    for (String line : original.split("\n")) {
      String l = line.strip();
      if (l.startsWith("in '")) {
        quoting = true; // SnakeYAML quotes the source line and marks the column with '^' below it
      } else if (quoting) {
        quoting = l.isEmpty() || !l.chars().allMatch(c -> c == '^');
      } else if (!l.isEmpty() && !l.startsWith("at [Source")) {
        parts.add(l);
      }
    }
    String message = String.join("; ", parts);
    if (message.startsWith("Duplicate field")) {
      message = "duplicate key " + message.substring("Duplicate field ".length()).replaceAll(" for `ObjectNode`.*", "");
    }
    JsonLocation at = e.getLocation();
    String where = at == null || at.getLineNr() < 1
        ? ""
        : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    return new Problem("", "not valid YAML or JSON" + where + ": " + message);
  }
}
