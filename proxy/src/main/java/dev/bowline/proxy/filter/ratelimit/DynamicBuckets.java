package dev.bowline.proxy.filter.ratelimit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The buckets of a wildcard descriptor, one per distinct request descriptor, at most {@code max}
 * of them (Envoy's {@code max_dynamic_descriptors}, default 20): adding one more evicts the least
 * recently used. An evicted key starts again with a full bucket, as in Envoy's LRU cache.
 *
 * <p>Thread-safe without locks of its own: a {@link ConcurrentHashMap} of buckets, each with the
 * time it was last used. Eviction scans for the least recently used entry when a new key arrives
 * at the cap (a scan of at most {@code max} entries); under concurrent arrivals the count may pass
 * the cap by the number of threads adding at once, and is brought back at the next arrival.
 */
final class DynamicBuckets {

  private static final class Slot {
    final TokenBucket bucket;
    final AtomicLong lastUsed;

    Slot(TokenBucket bucket, long now) {
      this.bucket = bucket;
      this.lastUsed = new AtomicLong(now);
    }
  }

  private final int max;
  private final Supplier<TokenBucket> buckets;
  private final LongSupplier clock;
  private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();

  /**
   * @param max the most keys kept, at least 1
   * @param buckets makes a full bucket for a new key
   * @param clock nanoseconds, for recency
   */
  DynamicBuckets(int max, Supplier<TokenBucket> buckets, LongSupplier clock) {
    if (max < 1) {
      throw new IllegalArgumentException("max " + max);
    }
    this.max = max;
    this.buckets = buckets;
    this.clock = clock;
  }

  /** The bucket of {@code key}, made (and the least recently used evicted) if it is new. */
  TokenBucket bucket(String key) {
    long now = clock.getAsLong();
    Slot slot = slots.get(key);
    if (slot == null) {
      while (slots.size() >= max) {
        evictLeastRecentlyUsed();
      }
      Slot fresh = new Slot(buckets.get(), now);
      slot = slots.putIfAbsent(key, fresh);
      if (slot == null) {
        return fresh.bucket;
      }
    }
    slot.lastUsed.lazySet(now);
    return slot.bucket;
  }

  private void evictLeastRecentlyUsed() {
    Map.Entry<String, Slot> oldest = null;
    for (Map.Entry<String, Slot> e : slots.entrySet()) {
      if (oldest == null || e.getValue().lastUsed.get() - oldest.getValue().lastUsed.get() < 0) {
        oldest = e;
      }
    }
    if (oldest != null) {
      slots.remove(oldest.getKey(), oldest.getValue());
    }
  }

  /** How many keys have a bucket now. */
  int size() {
    return slots.size();
  }

  /** Whether {@code key} has a bucket now (for tests). */
  boolean contains(String key) {
    return slots.containsKey(key);
  }
}
