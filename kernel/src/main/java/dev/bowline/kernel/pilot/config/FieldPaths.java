package dev.bowline.kernel.pilot.config;

import java.util.regex.Pattern;

/**
 * Builds the field paths that problems name: {@code spec.http[0].match[1].headers.end-user}. A map
 * key that is not a plain word is quoted: {@code labels["app.kubernetes.io/name"]}. Stateless.
 */
final class FieldPaths {

  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_-]+");

  private FieldPaths() {}

  /** {@code parent.field}, or {@code field} when the parent is empty. */
  static String field(String parent, String field) {
    return parent.isEmpty() ? field : parent + "." + field;
  }

  /** {@code parent[index]}. */
  static String index(String parent, int index) {
    return parent + "[" + index + "]";
  }

  /** {@code parent.key}, or {@code parent["key"]} for a key that is not a plain word. */
  static String key(String parent, String key) {
    if (PLAIN.matcher(key).matches()) {
      return field(parent, key);
    }
    return parent + "[\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
  }
}
