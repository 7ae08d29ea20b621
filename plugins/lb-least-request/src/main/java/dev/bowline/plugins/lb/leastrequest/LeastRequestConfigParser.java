package dev.bowline.plugins.lb.leastrequest;

import dev.bowline.spi.plugin.ConfigError;
import dev.bowline.spi.plugin.ConfigOrError;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Turns the raw configuration tree of {@code bowline.lb.least_request} into a
 * {@link LeastRequestConfig}, reporting every problem with the field it concerns. Keys are
 * camelCase, as in Istio's and Envoy's JSON: {@code choiceCount} and {@code activeRequestBias}.
 * Any other key is an error, never silently ignored.
 *
 * <p>Numbers may arrive as any {@link Number} a YAML or JSON reader produces; {@code choiceCount}
 * must be a whole number ({@code 3.0} is accepted, {@code 2.5} is not). Strings, booleans and
 * other types are rejected.
 *
 * <p>Stateless and thread-safe; never throws for bad input.
 */
final class LeastRequestConfigParser {

  static final String CHOICE_COUNT = "choiceCount";
  static final String ACTIVE_REQUEST_BIAS = "activeRequestBias";

  private LeastRequestConfigParser() {}

  static ConfigOrError<LeastRequestConfig> parse(Map<String, ?> raw) {
    Objects.requireNonNull(raw, "raw");
    List<ConfigError> errors = new ArrayList<>();
    for (String key : new TreeSet<>(raw.keySet())) {
      if (!key.equals(CHOICE_COUNT) && !key.equals(ACTIVE_REQUEST_BIAS)) {
        errors.add(
            new ConfigError(
                key, "unknown field; known fields are " + ACTIVE_REQUEST_BIAS + ", " + CHOICE_COUNT));
      }
    }
    int choiceCount = parseChoiceCount(raw.get(CHOICE_COUNT), errors);
    double bias = parseActiveRequestBias(raw.get(ACTIVE_REQUEST_BIAS), errors);
    if (!errors.isEmpty()) {
      return ConfigOrError.errors(errors);
    }
    return ConfigOrError.of(new LeastRequestConfig(choiceCount, bias));
  }

  private static int parseChoiceCount(Object value, List<ConfigError> errors) {
    if (value == null) {
      return LeastRequestConfig.DEFAULT_CHOICE_COUNT;
    }
    String range =
        "must be a whole number from " + LeastRequestConfig.MIN_CHOICE_COUNT + " to "
            + LeastRequestConfig.MAX_CHOICE_COUNT;
    if (!(value instanceof Number number)) {
      errors.add(new ConfigError(CHOICE_COUNT, range + ", not " + describe(value)));
      return 0;
    }
    BigDecimal decimal = toBigDecimal(number);
    if (decimal == null || decimal.stripTrailingZeros().scale() > 0) {
      errors.add(new ConfigError(CHOICE_COUNT, range + ", not " + number));
      return 0;
    }
    if (decimal.compareTo(BigDecimal.valueOf(LeastRequestConfig.MIN_CHOICE_COUNT)) < 0
        || decimal.compareTo(BigDecimal.valueOf(LeastRequestConfig.MAX_CHOICE_COUNT)) > 0) {
      errors.add(new ConfigError(CHOICE_COUNT, range + ", not " + number));
      return 0;
    }
    return decimal.intValueExact();
  }

  private static double parseActiveRequestBias(Object value, List<ConfigError> errors) {
    if (value == null) {
      return LeastRequestConfig.DEFAULT_ACTIVE_REQUEST_BIAS;
    }
    String rule = "must be a finite number at least 0";
    if (!(value instanceof Number number)) {
      errors.add(new ConfigError(ACTIVE_REQUEST_BIAS, rule + ", not " + describe(value)));
      return 0;
    }
    double bias = number.doubleValue();
    if (!(bias >= 0) || Double.isInfinite(bias)) {
      errors.add(new ConfigError(ACTIVE_REQUEST_BIAS, rule + ", not " + number));
      return 0;
    }
    return bias;
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
    return value instanceof String s ? "the string \"" + s + "\"" : "a " + typeName(value);
  }

  private static String typeName(Object value) {
    if (value instanceof Boolean) {
      return "boolean";
    }
    if (value instanceof Map) {
      return "map";
    }
    if (value instanceof List) {
      return "list";
    }
    return value.getClass().getSimpleName();
  }
}
