package dev.bowline.plugins.lb.ringhash;

import java.util.Objects;

/**
 * The validated configuration of {@code bowline.lb.ring_hash}, with the names of Envoy's
 * {@code RingHashLbConfig} in camelCase.
 *
 * <p>Immutable and thread-safe.
 *
 * @param minimumRingSize the least number of ring entries, from 1 to {@value #MAX_RING_SIZE}
 *     (Envoy's {@code minimum_ring_size}, default {@value #DEFAULT_MINIMUM_RING_SIZE}); more
 *     entries make the shares follow the weights more closely
 * @param maximumRingSize the most ring entries, from {@code minimumRingSize} to
 *     {@value #MAX_RING_SIZE} (Envoy's {@code maximum_ring_size}, default {@value #MAX_RING_SIZE})
 * @param hashFunction the function that places hosts on the ring (Envoy's {@code hash_function},
 *     default {@link HashFunction#XX_HASH})
 */
public record RingHashConfig(int minimumRingSize, int maximumRingSize, HashFunction hashFunction) {

  /** Envoy's default minimum: 1024 entries. */
  public static final int DEFAULT_MINIMUM_RING_SIZE = 1024;

  /** Envoy's limit for both sizes, and the default maximum: 8M entries. */
  public static final int MAX_RING_SIZE = 8_388_608;

  /** The configuration used when the operator gives none: Envoy's defaults. */
  public static final RingHashConfig DEFAULT =
      new RingHashConfig(DEFAULT_MINIMUM_RING_SIZE, MAX_RING_SIZE, HashFunction.XX_HASH);

  /**
   * Checks the ranges.
   *
   * @throws IllegalArgumentException if a size is out of range or the minimum exceeds the maximum
   *     (operator input should go through
   *     {@link RingHashLoadBalancerFactory#parseConfig(java.util.Map)}, which reports instead)
   */
  public RingHashConfig {
    Objects.requireNonNull(hashFunction, "hashFunction");
    if (minimumRingSize < 1 || minimumRingSize > MAX_RING_SIZE) {
      throw new IllegalArgumentException(
          "minimumRingSize " + minimumRingSize + " is outside 1.." + MAX_RING_SIZE);
    }
    if (maximumRingSize < 1 || maximumRingSize > MAX_RING_SIZE) {
      throw new IllegalArgumentException(
          "maximumRingSize " + maximumRingSize + " is outside 1.." + MAX_RING_SIZE);
    }
    if (minimumRingSize > maximumRingSize) {
      throw new IllegalArgumentException(
          "minimumRingSize " + minimumRingSize + " exceeds maximumRingSize " + maximumRingSize);
    }
  }
}
