package dev.bowline.kernel.pilot.config;

import dev.bowline.kernel.pilot.istio.DurationText;
import java.time.Duration;
import java.util.Optional;

/**
 * Checks the durations Istio resources carry ({@link DurationText}) as Istio does: at least 1 ms,
 * millisecond precision. Stateless.
 */
final class IstioDuration {

  private IstioDuration() {}

  /** The duration {@code text} spells, or empty when it is not a duration. */
  static Optional<Duration> parse(String text) {
    return DurationText.parse(text);
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
