package dev.bowline.proxy.route;

import dev.bowline.proxy.config.Problems;
import java.time.Duration;

/** Converts {@code google.protobuf.Duration} fields, reporting invalid or negative ones. */
final class ProtoDurations {

  private ProtoDurations() {}

  /** The duration, or {@code null} (with a problem reported at {@code path}) if invalid. */
  static Duration of(com.google.protobuf.Duration duration, String path, Problems problems) {
    long seconds = duration.getSeconds();
    int nanos = duration.getNanos();
    if (nanos <= -1_000_000_000 || nanos >= 1_000_000_000 || (seconds > 0 && nanos < 0)
        || (seconds < 0 && nanos > 0)) {
      problems.add(path, "invalid duration");
      return null;
    }
    if (seconds < 0 || nanos < 0) {
      problems.add(path, "must not be negative");
      return null;
    }
    return Duration.ofSeconds(seconds, nanos);
  }
}
