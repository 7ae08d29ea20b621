package dev.bowline.spi.lb;

/**
 * What a picker may know about the request it picks for. The proxy passes a reused, per-request
 * object; pickers must not keep a reference to it after {@link Picker#pick(PickContext)} returns.
 *
 * <p><b>Threading.</b> Read only from the event loop that calls the picker.
 */
public interface PickContext {

  /** A context with no hash key and no excluded hosts. */
  PickContext NONE = new PickContext() {};

  /**
   * Whether the request carries a hash key for consistent hashing (from a header, a cookie or the
   * source address, as the route configures).
   */
  default boolean hasHashKey() {
    return false;
  }

  /** The request's hash key; meaningful only when {@link #hasHashKey()} is true. */
  default long hashKey() {
    return 0L;
  }

  /**
   * Whether a retry should avoid {@code host} because an earlier attempt of this request used it.
   * A picker should prefer another host, but may return an excluded one when nothing else is left.
   */
  default boolean isExcluded(UpstreamHost host) {
    return false;
  }
}
