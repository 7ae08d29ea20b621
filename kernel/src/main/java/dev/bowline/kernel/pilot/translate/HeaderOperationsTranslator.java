package dev.bowline.kernel.pilot.translate;

import dev.bowline.kernel.pilot.istio.Headers.HeaderOperations;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Translates Istio's header operations ({@code set} overwrites, {@code add} appends, {@code remove}
 * deletes) into Envoy's {@code *_headers_to_add} ({@code append_action} {@code
 * OVERWRITE_IF_EXISTS_OR_ADD} or {@code APPEND_IF_EXISTS_OR_ADD}) and {@code *_headers_to_remove}.
 * Names are sorted so that equal inputs give equal output. Pseudo-headers and {@code host} cannot
 * be changed this way (use {@code rewrite.authority}): they are left out with a warning. Stateless.
 */
final class HeaderOperationsTranslator {

  private static final Logger log = LoggerFactory.getLogger(HeaderOperationsTranslator.class);

  private HeaderOperationsTranslator() {}

  /** The additions of {@code ops} ({@code set} first, then {@code add}). */
  static List<HeaderValueOption> additions(HeaderOperations ops, String where) {
    List<HeaderValueOption> out = new ArrayList<>();
    if (ops == null) {
      return out;
    }
    add(out, ops.set(), HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD,
        where + ".set");
    add(out, ops.add(), HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD,
        where + ".add");
    return out;
  }

  /** The removals of {@code ops}, lower case. */
  static List<String> removals(HeaderOperations ops, String where) {
    List<String> out = new ArrayList<>();
    if (ops == null) {
      return out;
    }
    for (String name : ops.remove()) {
      if (allowed(name, where + ".remove")) {
        out.add(name.toLowerCase(Locale.ROOT));
      }
    }
    return out;
  }

  /** Applies {@code ops} through the setters of one Envoy message (route, weighted cluster). */
  static void apply(
      HeaderOperations ops,
      String where,
      Consumer<HeaderValueOption> addition,
      Consumer<String> removal) {
    additions(ops, where).forEach(addition);
    removals(ops, where).forEach(removal);
  }

  private static void add(
      List<HeaderValueOption> out,
      Map<String, String> headers,
      HeaderValueOption.HeaderAppendAction action,
      String where) {
    for (Map.Entry<String, String> h : new TreeMap<>(headers).entrySet()) {
      if (!allowed(h.getKey(), where)) {
        continue;
      }
      out.add(
          HeaderValueOption.newBuilder()
              .setHeader(
                  HeaderValue.newBuilder()
                      .setKey(h.getKey().toLowerCase(Locale.ROOT))
                      .setValue(h.getValue() == null ? "" : h.getValue()))
              .setAppendAction(action)
              .build());
    }
  }

  private static boolean allowed(String name, String where) {
    if (name == null || name.isEmpty() || name.startsWith(":") || name.equalsIgnoreCase("host")) {
      log.warn("{}: header '{}' cannot be changed by a header operation; left out", where, name);
      return false;
    }
    return true;
  }
}
