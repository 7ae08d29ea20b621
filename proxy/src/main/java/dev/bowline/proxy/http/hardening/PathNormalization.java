package dev.bowline.proxy.http.hardening;

import java.util.Objects;

/**
 * The verdict of {@link PathNormalizer} on one request-target: forward it (with the normalized
 * target), redirect the client to the normalized target, or reject the request.
 *
 * <p>Immutable. Rejections are shared constants, so a rejected target allocates nothing.
 */
public final class PathNormalization {

  /** What the caller must do with the request. */
  public enum Outcome {
    /** Route and forward the request using {@link #target()}. */
    FORWARD,
    /**
     * Do not forward: answer {@code 307 Temporary Redirect} with {@code Location: }{@link
     * #target()} (Envoy's answer for {@code UNESCAPE_AND_REDIRECT}).
     */
    REDIRECT,
    /** Do not forward: answer {@code 400 Bad Request}; {@link #rejection()} says why. */
    REJECT
  }

  private static final PathNormalization[] REJECTIONS = new PathNormalization[PathRejection.values().length];

  static {
    for (PathRejection reason : PathRejection.values()) {
      REJECTIONS[reason.ordinal()] = new PathNormalization(Outcome.REJECT, null, reason, false);
    }
  }

  private final Outcome outcome;
  private final String target;
  private final PathRejection rejection;
  private final boolean changed;

  private PathNormalization(Outcome outcome, String target, PathRejection rejection, boolean changed) {
    this.outcome = outcome;
    this.target = target;
    this.rejection = rejection;
    this.changed = changed;
  }

  static PathNormalization forward(String target, boolean changed) {
    return new PathNormalization(Outcome.FORWARD, target, null, changed);
  }

  static PathNormalization redirect(String target) {
    return new PathNormalization(Outcome.REDIRECT, target, null, true);
  }

  static PathNormalization reject(PathRejection reason) {
    return REJECTIONS[reason.ordinal()];
  }

  /** What to do with the request. */
  public Outcome outcome() {
    return outcome;
  }

  /**
   * The normalized target, path and untouched query, for {@link Outcome#FORWARD} and {@link
   * Outcome#REDIRECT}; {@code null} for {@link Outcome#REJECT}.
   */
  public String target() {
    return target;
  }

  /** Why the target was rejected; {@code null} unless the outcome is {@link Outcome#REJECT}. */
  public PathRejection rejection() {
    return rejection;
  }

  /** Whether {@link #target()} differs from the target as received. */
  public boolean changed() {
    return changed;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PathNormalization other
        && outcome == other.outcome
        && rejection == other.rejection
        && changed == other.changed
        && Objects.equals(target, other.target);
  }

  @Override
  public int hashCode() {
    return Objects.hash(outcome, target, rejection, changed);
  }

  @Override
  public String toString() {
    return outcome == Outcome.REJECT ? "REJECT(" + rejection + ")" : outcome + "(" + target + ")";
  }
}
