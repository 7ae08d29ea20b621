package dev.bowline.proxy.config;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Compares every set field of a message with a {@link FieldSet} and reports each one that is not
 * supported, with its full path and indices, such as
 * {@code static_resources.clusters[0].outlier_detection: not supported by Bowline yet}. Walks the
 * message through protobuf reflection ({@code getAllFields}), opening each {@code Any} with
 * {@link EnvoyTypes#REGISTRY}. Fields a proto3 message cannot tell apart from their default are not
 * seen, which is harmless: their default is what Bowline does. Stateless and thread-safe.
 */
final class SupportedFieldsValidator {

  static final String NOT_SUPPORTED = "not supported by Bowline yet";

  private SupportedFieldsValidator() {}

  /** Reports into {@code problems} every set field of {@code message} that {@code set} lacks. */
  static void validate(Message message, FieldSet set, String path, Problems problems) {
    walk(message, set, "", path, problems);
  }

  private static void walk(
      Message message, FieldSet set, String pattern, String path, Problems problems) {
    if (set.isOpaque()) {
      return;
    }
    for (int number : message.getUnknownFields().asMap().keySet()) {
      problems.add(
          path,
          "unknown field number " + number + " of " + message.getDescriptorForType().getFullName()
              + " (newer than the Envoy API Bowline knows)");
    }
    for (Map.Entry<FieldDescriptor, Object> entry : message.getAllFields().entrySet()) {
      FieldDescriptor field = entry.getKey();
      String fieldPattern = Problems.join(pattern, field.getName());
      String fieldPath = Problems.join(path, field.getName());
      if (field.isMapField()) {
        if (!set.mentions(fieldPattern)) {
          problems.add(fieldPath, NOT_SUPPORTED);
          continue;
        }
        FieldDescriptor keyField = field.getMessageType().findFieldByName("key");
        FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
        for (Object element : (List<?>) entry.getValue()) {
          Message mapEntry = (Message) element;
          String key = String.valueOf(mapEntry.getField(keyField));
          check(
              mapEntry.getField(valueField),
              set,
              Problems.key(fieldPattern, key),
              Problems.key(fieldPath, key),
              problems);
        }
      } else if (field.isRepeated() && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        if (!set.mentions(fieldPattern)) {
          problems.add(fieldPath, NOT_SUPPORTED);
          continue;
        }
        List<?> elements = (List<?>) entry.getValue();
        for (int i = 0; i < elements.size(); i++) {
          check(elements.get(i), set, fieldPattern + "[]", Problems.index(fieldPath, i), problems);
        }
      } else {
        check(entry.getValue(), set, fieldPattern, fieldPath, problems);
      }
    }
  }

  private static void check(
      Object value, FieldSet set, String pattern, String path, Problems problems) {
    if (set.isSkipped(pattern)) {
      return;
    }
    List<FieldSet> anyTypes = set.anyTypes(pattern);
    if (anyTypes != null) {
      checkAny(EnvoyTypes.asAny((Message) value), anyTypes, path, problems);
      return;
    }
    FieldSet nested = set.nested(pattern);
    if (nested != null) {
      walk((Message) value, nested, "", path, problems);
      return;
    }
    if (set.isLeaf(pattern) || set.isAncestor(pattern)) {
      if (value instanceof Message child && !EnvoyTypes.isValueType(child.getDescriptorForType())) {
        walk(child, set, pattern, path, problems);
      }
      return;
    }
    problems.add(path, NOT_SUPPORTED);
  }

  private static void checkAny(Any any, List<FieldSet> allowed, String path, Problems problems) {
    String typeName = EnvoyTypes.typeName(any.getTypeUrl());
    Optional<FieldSet> match =
        allowed.stream().filter(s -> s.type().getFullName().equals(typeName)).findFirst();
    if (match.isEmpty()) {
      problems.add(
          path,
          "type " + typeName + " is not supported here by Bowline (supported: "
              + allowed.stream().map(s -> s.type().getFullName()).collect(Collectors.joining(", "))
              + ")");
      return;
    }
    try {
      walk(DynamicMessage.parseFrom(match.get().type(), any.getValue()), match.get(), "", path,
          problems);
    } catch (InvalidProtocolBufferException e) {
      problems.add(path, "cannot decode " + typeName + ": " + e.getMessage());
    }
  }
}
