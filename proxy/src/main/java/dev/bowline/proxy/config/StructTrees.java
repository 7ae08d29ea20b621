package dev.bowline.proxy.config;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@code google.protobuf.Struct} into an immutable tree of maps, lists, strings, numbers
 * and booleans, through protobuf's JSON printer and Jackson, for a plugin's {@code parseConfig}.
 * Numbers are {@link Double} (a Struct holds doubles); a JSON {@code null} member is dropped, as
 * absent and null mean the same in proto3 JSON, and a {@code null} inside a list is reported.
 * Maps keep their order. Stateless and thread-safe.
 */
final class StructTrees {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer();

  private StructTrees() {}

  /** The tree of {@code struct}, or an empty map after reporting a problem. */
  static Map<String, Object> toMap(Struct struct, String path, Problems problems) {
    try {
      Map<String, Object> raw =
          MAPPER.readValue(PRINTER.print(struct), new TypeReference<LinkedHashMap<String, Object>>() {});
      return freezeMap(raw, path, problems);
    } catch (InvalidProtocolBufferException e) {
      problems.add(path, "cannot print the configuration: " + e.getMessage());
    } catch (IOException e) {
      problems.add(path, "cannot read the configuration: " + e.getMessage());
    }
    return Map.of();
  }

  private static Map<String, Object> freezeMap(Map<?, ?> raw, String path, Problems problems) {
    Map<String, Object> frozen = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : raw.entrySet()) {
      String key = String.valueOf(entry.getKey());
      if (entry.getValue() != null) {
        frozen.put(key, freeze(entry.getValue(), Problems.join(path, key), problems));
      }
    }
    return Collections.unmodifiableMap(frozen);
  }

  private static Object freeze(Object value, String path, Problems problems) {
    if (value instanceof Map<?, ?> map) {
      return freezeMap(map, path, problems);
    }
    if (value instanceof List<?> list) {
      List<Object> frozen = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i) == null) {
          problems.add(Problems.index(path, i), "null is not allowed in a list");
        } else {
          frozen.add(freeze(list.get(i), Problems.index(path, i), problems));
        }
      }
      return Collections.unmodifiableList(frozen);
    }
    if (value instanceof Number number && !(value instanceof Double)) {
      return number.doubleValue();
    }
    return value;
  }
}
