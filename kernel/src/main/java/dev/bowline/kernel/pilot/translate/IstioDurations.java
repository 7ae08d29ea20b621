package dev.bowline.kernel.pilot.translate;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the durations written in Istio resources ({@code 10s}, {@code 0.5s}, {@code 100ms},
 * {@code 1m30s}, {@code 1h}: protobuf's seconds form and Go's units) and writes protobuf
 * {@code Duration}s. Stateless.
 */
final class IstioDurations {

  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");
  private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);

  private IstioDurations() {}

  /**
   * The duration {@code text} denotes.
   *
   * @throws IllegalArgumentException it is not a non-negative duration; the message quotes it
   */
  static Duration parse(String text) {
    String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    Matcher m = PART.matcher(s);
    BigDecimal nanos = BigDecimal.ZERO;
    int end = 0;
    while (m.lookingAt()) {
      BigDecimal value = new BigDecimal(m.group(1).startsWith(".") ? "0" + m.group(1) : m.group(1));
      nanos = nanos.add(value.multiply(unitNanos(m.group(2))));
      end = m.end();
      m.region(end, s.length());
    }
    if (s.isEmpty() || end != s.length()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration (such as 10s, 0.5s, 100ms or 1m30s)");
    }
    return Duration.ofNanos(nanos.longValue());
  }

  /** The protobuf form of {@code d}. */
  static com.google.protobuf.Duration toProto(Duration d) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(d.getSeconds())
        .setNanos(d.getNano())
        .build();
  }

  /** {@code seconds} as a protobuf duration. */
  static com.google.protobuf.Duration seconds(long seconds) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(seconds).build();
  }

  private static BigDecimal unitNanos(String unit) {
    switch (unit) {
      case "ns":
        return BigDecimal.ONE;
      case "us":
      case "µs":
        return BigDecimal.valueOf(1_000L);
      case "ms":
        return BigDecimal.valueOf(1_000_000L);
      case "s":
        return NANOS_PER_SECOND;
      case "m":
        return NANOS_PER_SECOND.multiply(BigDecimal.valueOf(60));
      default: // h
        return NANOS_PER_SECOND.multiply(BigDecimal.valueOf(3600));
    }
  }
}
