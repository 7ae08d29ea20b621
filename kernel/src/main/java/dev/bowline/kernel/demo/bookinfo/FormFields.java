package dev.bowline.kernel.demo.bookinfo;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads one field of an {@code application/x-www-form-urlencoded} body or query string, as the
 * productpage's login form sends it. Stateless.
 */
final class FormFields {

  private FormFields() {}

  /** The first value of {@code name} in {@code encoded}; empty if absent or badly encoded. */
  static Optional<String> first(String encoded, String name) {
    if (encoded == null || encoded.isEmpty()) {
      return Optional.empty();
    }
    for (String pair : encoded.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      try {
        if (URLDecoder.decode(key, StandardCharsets.UTF_8).equals(name)) {
          return Optional.of(
              eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }
}
