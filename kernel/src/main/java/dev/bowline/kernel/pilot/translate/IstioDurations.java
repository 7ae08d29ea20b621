package dev.bowline.kernel.pilot.translate;

import dev.bowline.kernel.pilot.istio.DurationText;
import java.time.Duration;

/**
 * Turns the durations written in Istio resources ({@link DurationText}) into protobuf {@code
 * Duration}s. Stateless.
 */
final class IstioDurations {

  private IstioDurations() {}

  /**
   * The duration {@code text} denotes.
   *
   * @throws IllegalArgumentException it is not a non-negative duration; the message quotes it
   */
  static Duration parse(String text) {
    Duration d = DurationText.parse(text == null ? null : text.trim()).orElse(null);
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration (such as 10s, 0.5s, 100ms or 1m30s)");
    }
    return d;
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
}
