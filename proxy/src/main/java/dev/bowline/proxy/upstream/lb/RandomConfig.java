package dev.bowline.proxy.upstream.lb;

/**
 * The configuration of {@code bowline.lb.random}. It has no options; the type exists so that
 * options can be added without changing the factory's signature.
 *
 * <p>Immutable and thread-safe.
 */
public record RandomConfig() {

  /** The only configuration there is today. */
  public static final RandomConfig DEFAULT = new RandomConfig();
}
