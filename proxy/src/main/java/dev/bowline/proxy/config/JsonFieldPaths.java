package dev.bowline.proxy.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Lists the full proto path of every field written in a JSON or YAML tree, walking it beside the
 * message descriptors (through {@code "@type"} of each Any), so that {@code mergeSlashes} and
 * {@code merge_slashes} give the same path. Feeds {@link ExplicitFields}. Stateless.
 */
final class JsonFieldPaths {

  private JsonFieldPaths() {}

  static Set<String> collect(JsonNode root, Descriptor type) {
    Set<String> paths = new HashSet<>();
    walk(root, type, "", paths);
    return paths;
  }

  private static void walk(JsonNode node, Descriptor type, String path, Set<String> out) {
    if (!node.isObject()) {
      return;
    }
    if (EnvoyTypes.isAny(type)) {
      JsonNode typeUrl = node.get("@type");
      Optional<Descriptor> inner =
          typeUrl == null ? Optional.empty() : EnvoyTypes.descriptor(typeUrl.asText());
      if (inner.isEmpty() || EnvoyTypes.isValueType(inner.get())) {
        return;
      }
      type = inner.get();
    } else if (EnvoyTypes.isValueType(type)) {
      return;
    }
    for (Map.Entry<String, JsonNode> member : node.properties()) {
      FieldDescriptor field = ProtoJsonFields.find(type, member.getKey());
      if (field == null) {
        continue;
      }
      String fieldPath = Problems.join(path, field.getName());
      out.add(fieldPath);
      JsonNode value = member.getValue();
      if (field.isMapField()) {
        Descriptor valueType = ProtoJsonFields.mapValueType(field);
        for (Map.Entry<String, JsonNode> entry : value.properties()) {
          if (valueType != null) {
            walk(entry.getValue(), valueType, Problems.key(fieldPath, entry.getKey()), out);
          }
        }
      } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        if (field.isRepeated()) {
          for (int i = 0; i < value.size(); i++) {
            walk(value.get(i), field.getMessageType(), Problems.index(fieldPath, i), out);
          }
        } else {
          walk(value, field.getMessageType(), fieldPath, out);
        }
      }
    }
  }
}
