package dev.bowline.proxy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.util.JsonFormat;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Finds where a document that protobuf's JSON parser rejected goes wrong, since that parser's
 * messages name no path. Walks the tree beside the message descriptors and uses the parser itself
 * as the judge: each member is parsed on its own, and a failing member is descended into until
 * the innermost failing field is found. Reports every failing field, such as
 * {@code static_resources.clusters[0].lb_policy: invalid value 'ROUND_ROBINN' (expected one of
 * ...)} or {@code static_resources.clusters[0].conect_timeout: unknown field of
 * envoy.config.cluster.v3.Cluster (did you mean 'connect_timeout'?)}. Used only after a failure,
 * so its cost does not matter. Stateless and thread-safe.
 */
final class JsonErrorLocator {

  private static final JsonFormat.Parser PARSER =
      JsonFormat.parser().usingTypeRegistry(EnvoyTypes.REGISTRY);

  private JsonErrorLocator() {}

  /** Reports each failing field of {@code node}, a {@code type}, under {@code path}. */
  static void locate(JsonNode node, Descriptor type, String path, Problems problems) {
    int before = problems.size();
    locateMessage(node, type, path, problems);
    if (problems.size() == before) {
      parse(node, type).ifPresent(message -> problems.add(path, message));
    }
  }

  private static void locateMessage(JsonNode node, Descriptor type, String path, Problems out) {
    if (EnvoyTypes.isAny(type)) {
      locateAny(node, path, out);
      return;
    }
    if (EnvoyTypes.isValueType(type)) {
      parse(node, type).ifPresent(message -> out.add(path, explainValue(type, node, message)));
      return;
    }
    if (!node.isObject()) {
      out.add(path, "expected a mapping (" + type.getName() + "), not " + describe(node));
      return;
    }
    int before = out.size();
    for (Map.Entry<String, JsonNode> member : node.properties()) {
      locateMember(member.getKey(), member.getValue(), type, path, out);
    }
    if (out.size() == before) {
      parse(node, type).ifPresent(message -> out.add(path, message));
    }
  }

  private static void locateMember(
      String key, JsonNode value, Descriptor type, String path, Problems out) {
    FieldDescriptor field = ProtoJsonFields.find(type, key);
    if (field == null) {
      String suggestion = ProtoJsonFields.closest(type, key);
      out.add(
          Problems.join(path, key),
          "unknown field of " + type.getFullName()
              + (suggestion == null ? "" : " (did you mean '" + suggestion + "'?)"));
      return;
    }
    String fieldPath = Problems.join(path, field.getName());
    ObjectNode single = JsonNodeFactory.instance.objectNode();
    single.set(key, value);
    Optional<String> failure = parse(single, type);
    if (failure.isEmpty()) {
      return;
    }
    int before = out.size();
    if (field.isMapField() && value.isObject()) {
      Descriptor valueType = ProtoJsonFields.mapValueType(field);
      for (Map.Entry<String, JsonNode> entry : value.properties()) {
        String entryPath = Problems.key(fieldPath, entry.getKey());
        if (valueType != null) {
          locateMessage(entry.getValue(), valueType, entryPath, out);
        }
      }
    } else if (field.isRepeated() && value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        String elementPath = Problems.index(fieldPath, i);
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
          locateMessage(value.get(i), field.getMessageType(), elementPath, out);
        } else {
          ObjectNode one = JsonNodeFactory.instance.objectNode();
          one.putArray(key).add(value.get(i));
          final FieldDescriptor f = field;
          final JsonNode element = value.get(i);
          parse(one, type).ifPresent(m -> out.add(elementPath, explain(f, element, m)));
        }
      }
    } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !field.isRepeated()) {
      locateMessage(value, field.getMessageType(), fieldPath, out);
    }
    if (out.size() == before) {
      out.add(fieldPath, explain(field, value, failure.get()));
    }
  }

  private static void locateAny(JsonNode node, String path, Problems out) {
    if (!node.isObject()) {
      out.add(path, "expected a mapping with \"@type\", not " + describe(node));
      return;
    }
    JsonNode typeUrl = node.get("@type");
    if (typeUrl == null || !typeUrl.isTextual()) {
      out.add(
          path,
          "\"@type\" is missing: a typed_config names its type, such as "
              + "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy");
      return;
    }
    Optional<Descriptor> type = EnvoyTypes.descriptor(typeUrl.asText());
    if (type.isEmpty()) {
      out.add(
          Problems.join(path, "@type"),
          "type " + EnvoyTypes.typeName(typeUrl.asText()) + " is not supported by Bowline");
      return;
    }
    if (EnvoyTypes.isValueType(type.get())) {
      parse(node, Any.getDescriptor()).ifPresent(message -> out.add(path, message));
      return;
    }
    ObjectNode content = ((ObjectNode) node).deepCopy();
    content.remove("@type");
    locateMessage(content, type.get(), path, out);
  }

  private static String explain(FieldDescriptor field, JsonNode value, String parserMessage) {
    if (field.getJavaType() == FieldDescriptor.JavaType.ENUM && value.isValueNode()) {
      return "invalid value '" + value.asText() + "' (expected one of "
          + field.getEnumType().getValues().stream()
              .map(EnumValueDescriptor::getName)
              .collect(Collectors.joining(", "))
          + ")";
    }
    return "invalid value " + describe(value) + ": " + parserMessage;
  }

  private static String explainValue(Descriptor type, JsonNode value, String parserMessage) {
    if (type.getFullName().equals("google.protobuf.Duration")) {
      return "invalid duration " + describe(value)
          + " (write seconds with an s suffix, such as 30s or 0.25s)";
    }
    return "invalid value " + describe(value) + ": " + parserMessage;
  }

  private static String describe(JsonNode node) {
    if (node.isTextual()) {
      return "'" + node.asText() + "'";
    }
    if (node.isValueNode()) {
      return node.toString();
    }
    return node.isArray() ? "a list" : "a mapping";
  }

  /** The parser's complaint about {@code node} as a {@code type}, if any. */
  private static Optional<String> parse(JsonNode node, Descriptor type) {
    try {
      PARSER.merge(DocumentReader.toJson(node), DynamicMessage.newBuilder(type));
      return Optional.empty();
    } catch (Exception e) {
      String message = e.getMessage();
      return Optional.of(message == null ? e.getClass().getSimpleName() : message);
    }
  }
}
