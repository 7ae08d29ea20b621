package dev.bowline.kernel.pilot.config;

import dev.bowline.kernel.pilot.istio.Headers;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Checks Istio's header manipulations ({@code headers.request|response.set|add|remove}) as Istio
 * does: no empty names, no pseudo-headers, no {@code Host} except when setting the request's
 * authority, and no control characters in values. Stateless.
 */
final class HeadersValidator {

  private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x08\\x0A-\\x1F\\x7F]");

  private HeadersValidator() {}

  static void check(Headers headers, String path, Validation v) {
    if (headers == null) {
      return;
    }
    if (headers.request() != null) {
      String at = FieldPaths.field(path, "request");
      values(headers.request().set(), FieldPaths.field(at, "set"), true, v);
      values(headers.request().add(), FieldPaths.field(at, "add"), true, v);
      removals(headers.request().remove().toArray(String[]::new), FieldPaths.field(at, "remove"), v);
    }
    if (headers.response() != null) {
      String at = FieldPaths.field(path, "response");
      values(headers.response().set(), FieldPaths.field(at, "set"), false, v);
      values(headers.response().add(), FieldPaths.field(at, "add"), false, v);
      removals(headers.response().remove().toArray(String[]::new), FieldPaths.field(at, "remove"), v);
    }
  }

  private static void values(Map<String, String> ops, String path, boolean request, Validation v) {
    for (Map.Entry<String, String> e : new TreeMap<>(ops).entrySet()) {
      String name = e.getKey();
      String at = FieldPaths.key(path, name);
      if (name.isEmpty()) {
        v.error(path, "header name must not be empty");
        continue;
      }
      boolean authority = isAuthority(name);
      if (request ? (name.startsWith(":") && !authority) : (name.startsWith(":") || authority)) {
        v.error(at, "header \"" + name + "\" cannot be " + (request ? "set" : "set on a response"));
      }
      if (CONTROL.matcher(e.getValue()).find()) {
        v.error(at, "header value must not contain control characters");
      }
    }
  }

  private static void removals(String[] names, String path, Validation v) {
    for (int i = 0; i < names.length; i++) {
      String at = FieldPaths.index(path, i);
      if (names[i].isEmpty()) {
        v.error(at, "header name must not be empty");
      } else if (names[i].startsWith(":") || isAuthority(names[i])) {
        v.error(at, "header \"" + names[i] + "\" cannot be removed");
      }
    }
  }

  private static boolean isAuthority(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.equals("host") || n.equals(":authority");
  }
}
