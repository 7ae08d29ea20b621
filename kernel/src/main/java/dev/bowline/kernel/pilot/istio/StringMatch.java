package dev.bowline.kernel.pilot.istio;

/**
 * Istio's {@code StringMatch}: exactly one of {@code exact}, {@code prefix} or {@code regex} (RE2),
 * the others null.
 */
public record StringMatch(String exact, String prefix, String regex) {

  /** Whether no alternative is set (as in a header match {@code {}} meaning "present"). */
  public boolean isEmpty() {
    return exact == null && prefix == null && regex == null;
  }
}
