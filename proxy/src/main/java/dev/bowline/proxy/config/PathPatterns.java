package dev.bowline.proxy.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits and normalizes field paths such as
 * {@code clusters[0].typed_extension_protocol_options["envoy.x.Y"].common_http_protocol_options}:
 * dots inside {@code ["..."]} do not separate segments. Stateless.
 */
final class PathPatterns {

  private PathPatterns() {}

  /** The segments of a path, each a field name with its optional {@code [..]} suffix. */
  static List<String> split(String path) {
    List<String> segments = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      }
      if (c == '.' && !quoted) {
        segments.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    segments.add(current.toString());
    return segments;
  }

  /** The field name of a segment, without its {@code [..]} suffix. */
  static String fieldName(String segment) {
    int bracket = segment.indexOf('[');
    return bracket < 0 ? segment : segment.substring(0, bracket);
  }
}
