package dev.bowline.plugins.ca.issuing;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Istio's configuration writes them (Go's {@code time.Duration} text): one or more
 * whole numbers, each followed by {@code h}, {@code m} or {@code s}, such as {@code 24h}, {@code
 * 1h30m} or {@code 2160h}.
 *
 * <p>Stateless and thread-safe.
 */
public final class DurationText {

  private static final Pattern WHOLE = Pattern.compile("(?:[0-9]{1,9}[hms])+");
  private static final Pattern PART = Pattern.compile("([0-9]{1,9})([hms])");

  private DurationText() {}

  /** The duration {@code text} spells, or empty if it is not of that form. */
  public static Optional<Duration> parse(String text) {
    if (text == null || !WHOLE.matcher(text).matches()) {
      return Optional.empty();
    }
    Duration total = Duration.ZERO;
    Matcher part = PART.matcher(text);
    while (part.find()) {
      long amount = Long.parseLong(part.group(1));
      total =
          total.plus(
              switch (part.group(2)) {
                case "h" -> Duration.ofHours(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofSeconds(amount);
              });
    }
    return Optional.of(total);
  }
}
