package dev.bowline.proxy.filter.ratelimit;

import com.google.protobuf.Message;
import java.util.HashMap;
import java.util.Map;

/**
 * Keeps rate limiters, with their buckets, across configuration versions: a limiter whose
 * configuration is unchanged at the same place (the same route, or the same connection manager
 * filter) is reused by the next version instead of starting again with full buckets. Without it,
 * every listener or cluster change, which recompiles the routes, would refill every bucket.
 *
 * <p>One store per connection manager position (shared by the versions of a filter chain). A
 * version compiles through a {@link Generation}, which becomes the store's content only when the
 * version is committed ({@link Generation#publish()}); a version that fails changes nothing.
 *
 * <p>Thread-safe for that use: generations are made and published by the configuration thread;
 * the published map is immutable.
 */
public final class RateLimiterStore {

  private record Kept(Message config, LocalRateLimiter limiter) {}

  private volatile Map<String, Kept> published = Map.of();

  /** The limiters of a new version, reusing those of the version in force. */
  public Generation next() {
    return new Generation(published);
  }

  /** The limiters one configuration version uses. Confined to the configuration thread. */
  public final class Generation {

    private final Map<String, Kept> previous;
    private final Map<String, Kept> made = new HashMap<>();

    private Generation(Map<String, Kept> previous) {
      this.previous = previous;
    }

    /** The limiter kept at {@code place} for an equal {@code config}, or null. */
    LocalRateLimiter reuse(String place, Message config) {
      Kept kept = previous.get(place);
      if (kept == null || !kept.config().equals(config)) {
        return null;
      }
      made.put(place, kept);
      return kept.limiter();
    }

    /** Records the limiter this version uses at {@code place}. */
    void keep(String place, Message config, LocalRateLimiter limiter) {
      made.put(place, new Kept(config, limiter));
    }

    /** Makes this version's limiters the ones the next version may reuse. */
    public void publish() {
      published = Map.copyOf(made);
    }
  }
}
