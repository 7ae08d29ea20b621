package dev.bowline.spi.mixer;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The facts about one request that Mixer works with, named as Istio's attribute vocabulary names
 * them ({@code source.principal}, {@code request.path}, {@code response.code},
 * {@code destination.service.host}, ...). Values are {@link String}, {@link Long}, {@link Double},
 * {@link Boolean}, {@link Duration}, {@link Instant}, {@code byte[]} (IP addresses) or
 * {@code Map<String,String>} (such as {@code request.headers}). Immutable.
 *
 * @param values the attributes by name
 */
public record Attributes(Map<String, Object> values) {

  /** No attributes. */
  public static final Attributes EMPTY = new Attributes(Map.of());

  public Attributes {
    values = Map.copyOf(values);
  }

  /** Attributes from alternating names and values, for tests and small callers. */
  public static Attributes of(Object... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("Attributes.of takes name, value pairs");
    }
    Map<String, Object> map = new java.util.LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.put((String) namesAndValues[i], Objects.requireNonNull(namesAndValues[i + 1]));
    }
    return new Attributes(map);
  }

  /** The names present. */
  public Set<String> names() {
    return values.keySet();
  }

  /** A string attribute, if present and a string. */
  public Optional<String> string(String name) {
    return values.get(name) instanceof String s ? Optional.of(s) : Optional.empty();
  }

  /** An integer attribute, if present and an integer. */
  public Optional<Long> number(String name) {
    return values.get(name) instanceof Long l ? Optional.of(l) : Optional.empty();
  }

  /** Any attribute, if present. */
  public Optional<Object> get(String name) {
    return Optional.ofNullable(values.get(name));
  }
}
