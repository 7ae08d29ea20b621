package dev.bowline.proxy.config;

import com.google.protobuf.UInt32Value;
import java.time.Duration;
import java.util.Locale;

/**
 * Reads protobuf durations and unsigned integers into Java values with range checks, reporting a
 * bad value at its path. Stateless.
 */
final class ProtoValues {

  private ProtoValues() {}

  /** A duration, or {@code fallback} when absent; negative durations are reported. */
  static Duration duration(
      boolean present, com.google.protobuf.Duration value, Duration fallback, String path,
      Problems problems) {
    if (!present) {
      return fallback;
    }
    Duration duration = Duration.ofSeconds(value.getSeconds(), value.getNanos());
    if (duration.isNegative()) {
      problems.add(path, "must not be negative, not " + format(duration));
      return fallback;
    }
    return duration;
  }

  /** A duration that must be positive when present. */
  static Duration positiveDuration(
      boolean present, com.google.protobuf.Duration value, Duration fallback, String path,
      Problems problems) {
    Duration duration = duration(present, value, fallback, path, problems);
    if (present && duration.isZero()) {
      problems.add(path, "must be greater than 0s");
      return fallback;
    }
    return duration;
  }

  /** An optional uint32 within {@code [min, max]}, or {@code fallback} when absent. */
  static int uint32(
      boolean present, UInt32Value value, int fallback, long min, long max, String path,
      Problems problems) {
    return present ? uint32(value.getValue(), min, max, path, problems, fallback) : fallback;
  }

  /** A plain uint32 (Java stores it in an int) within {@code [min, max]}. */
  static int uint32(int raw, long min, long max, String path, Problems problems, int fallback) {
    return (int) inRange(Integer.toUnsignedLong(raw), min, max, path, problems, fallback);
  }

  /** A uint64 within {@code [min, max]}. */
  static long uint64(long raw, long min, long max, String path, Problems problems, long fallback) {
    if (raw < 0) {
      problems.add(path, "must be from " + min + " to " + max + ", not " + Long.toUnsignedString(raw));
      return fallback;
    }
    return inRange(raw, min, max, path, problems, fallback);
  }

  private static long inRange(
      long value, long min, long max, String path, Problems problems, long fallback) {
    if (value < min || value > max) {
      problems.add(path, "must be from " + min + " to " + max + ", not " + value);
      return fallback;
    }
    return value;
  }

  /** Envoy's notation: {@code 1.5s}. */
  static String format(Duration duration) {
    return duration.toString().substring(2).toLowerCase(Locale.ROOT);
  }
}
