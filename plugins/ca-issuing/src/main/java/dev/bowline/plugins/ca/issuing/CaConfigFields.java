package dev.bowline.plugins.ca.issuing;

import dev.bowline.spi.model.SpiffeId;
import dev.bowline.spi.plugin.ConfigError;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Reading the configuration fields the CA plugins have in common (the trust domain, lifetimes),
 * each problem added to the caller's list with the field named. Stateless.
 */
public final class CaConfigFields {

  private CaConfigFields() {}

  /**
   * The trust domain in {@code value} ({@code fallback} when absent); null, with an error on
   * {@code field}, when it is not a valid SPIFFE trust domain.
   */
  public static String trustDomain(
      Object value, String field, String fallback, List<ConfigError> errors) {
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String text)) {
      errors.add(
          new ConfigError(field, "must be a string such as cluster.local, not " + describe(value)));
      return null;
    }
    try {
      new SpiffeId(text, "");
      return text;
    } catch (IllegalArgumentException e) {
      errors.add(new ConfigError(field, e.getMessage()));
      return null;
    }
  }

  /**
   * The positive duration ({@code 24h}, {@code 1h30m}) of {@code raw.get(field)}, {@code fallback}
   * when absent or, with an error, when not a positive duration.
   */
  public static Duration duration(
      Map<String, ?> raw, String field, Duration fallback, List<ConfigError> errors) {
    Object value = raw.get(field);
    if (value == null) {
      return fallback;
    }
    Duration parsed = value instanceof String text ? DurationText.parse(text).orElse(null) : null;
    if (parsed == null || parsed.isZero()) {
      errors.add(new ConfigError(field,
          "must be a positive duration such as 24h, 90m or 1h30m, not " + describe(value)));
      return fallback;
    }
    return parsed;
  }

  /** A configuration value as an error message names it: {@code the string "x"}, {@code a map}. */
  public static String describe(Object value) {
    if (value instanceof String s) {
      return "the string \"" + s + "\"";
    }
    if (value instanceof Map) {
      return "a map";
    }
    if (value instanceof List) {
      return "a list";
    }
    return value instanceof Boolean
        ? "a boolean"
        : "the " + value.getClass().getSimpleName() + " " + value;
  }
}
