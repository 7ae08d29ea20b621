package dev.bowline.plugins.lb.ringhash;

import dev.bowline.spi.plugin.ConfigError;
import dev.bowline.spi.plugin.ConfigOrError;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Reads the fields of one raw configuration tree (maps, lists, strings, numbers and booleans, as a
 * YAML or JSON reader gives them), collecting every problem as a {@link ConfigError} that names
 * its field instead of stopping at the first. A key that is not a known field is an error, never
 * silently ignored; a field that is absent or null takes its default.
 *
 * <p>Whole numbers may arrive as any {@link Number} ({@code 3.0} is accepted, {@code 2.5} is not);
 * strings, booleans and other types are rejected, a string quoted in the message.
 *
 * <p>Not thread-safe: one reader serves one parse, on one thread. Never throws for bad input.
 */
final class ConfigReader {

  private final Map<String, ?> raw;
  private final List<ConfigError> errors = new ArrayList<>();

  /**
   * Starts reading {@code raw}, reporting each unknown key (in sorted order) at once.
   *
   * @param raw the configuration tree
   * @param knownFields the fields this configuration has
   */
  ConfigReader(Map<String, ?> raw, String... knownFields) {
    this.raw = Objects.requireNonNull(raw, "raw");
    List<String> known = Arrays.stream(knownFields).sorted().toList();
    for (String key : new TreeSet<>(raw.keySet())) {
      if (!known.contains(key)) {
        errors.add(
            new ConfigError(key, "unknown field; known fields are " + String.join(", ", known)));
      }
    }
  }

  /** Whether the operator gave {@code field} a (non-null) value. */
  boolean isSet(String field) {
    return raw.get(field) != null;
  }

  /**
   * The whole number in {@code field}, or {@code defaultValue} when the field is absent. Reports
   * an error and returns {@code defaultValue} when the value is not a whole number from
   * {@code min} to {@code max}.
   */
  long wholeNumber(String field, long min, long max, long defaultValue) {
    Object value = raw.get(field);
    if (value == null) {
      return defaultValue;
    }
    String rule = "must be a whole number from " + min + " to " + max;
    if (!(value instanceof Number number)) {
      error(field, rule + ", not " + describe(value));
      return defaultValue;
    }
    BigDecimal decimal = toBigDecimal(number);
    if (decimal == null
        || decimal.stripTrailingZeros().scale() > 0
        || decimal.compareTo(BigDecimal.valueOf(min)) < 0
        || decimal.compareTo(BigDecimal.valueOf(max)) > 0) {
      error(field, rule + ", not " + number);
      return defaultValue;
    }
    return decimal.longValueExact();
  }

  /**
   * The constant of {@code type} named by the string in {@code field} (exactly, as protobuf's
   * JSON names enum values), or {@code defaultValue} when the field is absent. Reports an error
   * listing the names and returns {@code defaultValue} for anything else.
   */
  <E extends Enum<E>> E enumName(String field, Class<E> type, E defaultValue) {
    Object value = raw.get(field);
    if (value == null) {
      return defaultValue;
    }
    E[] constants = type.getEnumConstants();
    if (value instanceof String name) {
      for (E constant : constants) {
        if (constant.name().equals(name)) {
          return constant;
        }
      }
    }
    List<String> names = Arrays.stream(constants).map(Enum::name).toList();
    error(field, "must be one of " + String.join(", ", names) + ", not " + describe(value));
    return defaultValue;
  }

  /** Reports a problem with {@code field}. */
  void error(String field, String message) {
    errors.add(new ConfigError(field, message));
  }

  /** How many problems were found so far. */
  int errorCount() {
    return errors.size();
  }

  /** The errors found, or else the value that {@code build} makes. */
  <C> ConfigOrError<C> result(Supplier<C> build) {
    return errors.isEmpty() ? ConfigOrError.of(build.get()) : ConfigOrError.errors(errors);
  }

  /** The exact value of {@code number}, or null for NaN and infinities. */
  private static BigDecimal toBigDecimal(Number number) {
    if (number instanceof BigDecimal decimal) {
      return decimal;
    }
    if (number instanceof BigInteger integer) {
      return new BigDecimal(integer);
    }
    if (number instanceof Double || number instanceof Float) {
      double d = number.doubleValue();
      return Double.isFinite(d) ? new BigDecimal(d) : null;
    }
    return BigDecimal.valueOf(number.longValue());
  }

  private static String describe(Object value) {
    if (value instanceof String s) {
      return "the string \"" + s + "\"";
    }
    if (value instanceof Boolean) {
      return "a boolean";
    }
    if (value instanceof Map) {
      return "a map";
    }
    if (value instanceof List) {
      return "a list";
    }
    return value instanceof Number n ? n.toString() : "a " + value.getClass().getSimpleName();
  }
}
