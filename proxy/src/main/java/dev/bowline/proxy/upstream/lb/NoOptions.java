package dev.bowline.proxy.upstream.lb;

import dev.bowline.spi.plugin.ConfigError;
import dev.bowline.spi.plugin.ConfigOrError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Parses the configuration of an extension that takes no options: an empty map is accepted, and
 * every key is reported as an unknown field (never silently ignored).
 *
 * <p>Stateless and thread-safe.
 */
final class NoOptions {

  private NoOptions() {}

  /**
   * Accepts {@code raw} when it is empty.
   *
   * @param raw the raw configuration, never null
   * @param extensionName the extension's canonical name, for the error message
   * @param value the configuration to return on success
   * @return {@code value}, or one error per key of {@code raw}, in key order
   */
  static <C> ConfigOrError<C> parse(Map<String, ?> raw, String extensionName, C value) {
    Objects.requireNonNull(raw, "raw");
    if (raw.isEmpty()) {
      return ConfigOrError.of(value);
    }
    List<ConfigError> errors = new ArrayList<>();
    for (String key : new TreeSet<>(raw.keySet())) {
      errors.add(
          new ConfigError(
              key, "unknown field: " + extensionName + " takes no configuration options"));
    }
    return ConfigOrError.errors(errors);
  }
}
