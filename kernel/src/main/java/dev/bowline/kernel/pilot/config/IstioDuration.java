package dev.bowline.kernel.pilot.config;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the durations Istio resources carry, in both spellings users write: protobuf JSON
 * ({@code 3s}, {@code 0.5s}) and Go's ({@code 100ms}, {@code 1m}, {@code 1h30m}); and checks them
 * as Istio does (at least 1 ms, millisecond precision). Stateless.
 */
final class IstioDuration {

  private static final Map<String, BigDecimal> UNIT_NANOS = Map.of(
      "ns", BigDecimal.ONE,
      "us", BigDecimal.valueOf(1_000L),
      "\u00b5s", BigDecimal.valueOf(1_000L),
      "\u03bcs", BigDecimal.valueOf(1_000L),
      "ms", BigDecimal.valueOf(1_000_000L),
      "s", BigDecimal.valueOf(1_000_000_000L),
      "m", BigDecimal.valueOf(60_000_000_000L),
      "h", BigDecimal.valueOf(3_600_000_000_000L));

  private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

  private IstioDuration() {}

  /** The duration {@code text} spells, or empty when it is not a duration. */
  static Optional<Duration> parse(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.empty();
    }
    String s = text;
    boolean negative = false;
    if (s.charAt(0) == '-' || s.charAt(0) == '+') {
      negative = s.charAt(0) == '-';
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Optional.of(Duration.ZERO);
    }
    if (s.isEmpty()) {
      return Optional.empty();
    }
    BigDecimal total = BigDecimal.ZERO;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      String number = s.substring(start, i);
      int unitStart = i;
      while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') {
        i++;
      }
      BigDecimal unit = UNIT_NANOS.get(s.substring(unitStart, i));
      if (unit == null || number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
        return Optional.empty();
      }
      total = total.add(new BigDecimal(number.startsWith(".") ? "0" + number : number).multiply(unit));
      if (total.compareTo(MAX_NANOS) > 0) {
        return Optional.empty();
      }
    }
    long nanos = total.setScale(0, RoundingMode.DOWN).longValueExact();
    return Optional.of(Duration.ofNanos(negative ? -nanos : nanos));
  }

  /**
   * Checks the duration at {@code path} as Istio does: a duration, at least 1 ms, in whole
   * milliseconds. Absent (null) is fine.
   */
  static void check(String text, String path, Validation v) {
    if (text == null) {
      return;
    }
    Optional<Duration> d = parse(text);
    if (d.isEmpty()) {
      v.error(path, "\"" + text + "\" is not a duration (write for example 5s, 0.5s, 100ms, 1m or 1h)");
    } else if (d.get().compareTo(Duration.ofMillis(1)) < 0) {
      v.error(path, "must be at least 1ms, found " + text);
    } else if (d.get().toNanos() % 1_000_000L != 0) {
      v.error(path, "only millisecond precision is supported, found " + text);
    }
  }
}
