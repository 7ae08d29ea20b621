package dev.bowline.proxy.upstream.lb;

/**
 * The configuration of {@code bowline.lb.round_robin}. It has no options yet; the type exists so
 * that options (such as Envoy's slow start) can be added without changing the factory's signature.
 *
 * <p>Immutable and thread-safe.
 */
public record RoundRobinConfig() {

  /** The only configuration there is today. */
  public static final RoundRobinConfig DEFAULT = new RoundRobinConfig();
}
