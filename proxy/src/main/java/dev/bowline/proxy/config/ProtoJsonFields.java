package dev.bowline.proxy.config;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;

/**
 * Finds the field a JSON or YAML key names: its proto name ({@code stat_prefix}) or its JSON name
 * ({@code statPrefix}), as protobuf's JSON parser accepts both. Stateless.
 */
final class ProtoJsonFields {

  private ProtoJsonFields() {}

  /** The field named by {@code key}, or null. */
  static FieldDescriptor find(Descriptor type, String key) {
    FieldDescriptor field = type.findFieldByName(key);
    if (field != null) {
      return field;
    }
    for (FieldDescriptor candidate : type.getFields()) {
      if (candidate.getJsonName().equals(key)) {
        return candidate;
      }
    }
    return null;
  }

  /** The message type of a map field's values, or null when they are scalars. */
  static Descriptor mapValueType(FieldDescriptor mapField) {
    FieldDescriptor value = mapField.getMessageType().findFieldByName("value");
    return value.getJavaType() == FieldDescriptor.JavaType.MESSAGE ? value.getMessageType() : null;
  }

  /** The closest field name to a misspelled key, or null when none is close. */
  static String closest(Descriptor type, String key) {
    String best = null;
    int bestDistance = Math.max(2, key.length() / 4) + 1;
    for (FieldDescriptor candidate : type.getFields()) {
      int distance = distance(key, candidate.getName());
      if (distance < bestDistance) {
        bestDistance = distance;
        best = candidate.getName();
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
