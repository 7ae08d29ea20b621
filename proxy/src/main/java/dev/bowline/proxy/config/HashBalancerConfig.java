package dev.bowline.proxy.config;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The balancer configuration of a consistent-hashing cluster: {@code ring_hash_lb_config} of a
 * {@code RING_HASH} cluster becomes {@code bowline.lb.ring_hash}'s {@code {minimumRingSize,
 * maximumRingSize, hashFunction}}, {@code maglev_lb_config} of a {@code MAGLEV} cluster {@code
 * bowline.lb.maglev}'s {@code {tableSize}}. Only the fields that are set go into the map (the
 * balancer's defaults are Envoy's: rings of 1024 to 8M entries hashed with {@code XX_HASH}, a
 * Maglev table of 65537); {@code hash_function} goes in only as {@code MURMUR_HASH_2}, since
 * {@code XX_HASH} is both its proto default and the balancer's. Values are checked against Envoy's
 * rules here, so that errors name the Envoy field: ring sizes from 1 to 8388608 with the minimum
 * not above the maximum, {@code hash_function} {@code XX_HASH} or {@code MURMUR_HASH_2}, a prime
 * table size up to 5000011. Stateless.
 */
final class HashBalancerConfig {

  /** Envoy's largest ring ({@code minimum_ring_size} and {@code maximum_ring_size}). */
  static final long MAX_RING_SIZE = 8_388_608;
  /** Envoy's default {@code minimum_ring_size}. */
  static final long DEFAULT_MINIMUM_RING_SIZE = 1024;
  /** Envoy's largest Maglev table. */
  static final long MAX_TABLE_SIZE = 5_000_011;

  private HashBalancerConfig() {}

  /**
   * The balancer configuration for a {@code RING_HASH} or {@code MAGLEV} cluster; an empty map for
   * other policies, after reporting a hashing configuration that does not belong to them.
   *
   * @param path the cluster's path
   */
  static Map<String, Object> translate(Cluster cluster, String path, Problems problems) {
    String ringPath = Problems.join(path, "ring_hash_lb_config");
    String maglevPath = Problems.join(path, "maglev_lb_config");
    Cluster.LbPolicy policy = cluster.getLbPolicy();
    if (cluster.hasRingHashLbConfig() && policy != Cluster.LbPolicy.RING_HASH) {
      problems.add(ringPath, "only for lb_policy RING_HASH");
      return Map.of();
    }
    if (cluster.hasMaglevLbConfig() && policy != Cluster.LbPolicy.MAGLEV) {
      problems.add(maglevPath, "only for lb_policy MAGLEV");
      return Map.of();
    }
    Map<String, Object> config = new LinkedHashMap<>();
    if (cluster.hasRingHashLbConfig()) {
      ring(cluster.getRingHashLbConfig(), ringPath, problems, config);
    } else if (cluster.hasMaglevLbConfig() && cluster.getMaglevLbConfig().hasTableSize()) {
      long size = cluster.getMaglevLbConfig().getTableSize().getValue();
      String sizePath = Problems.join(maglevPath, "table_size");
      if (size < 1 || size > MAX_TABLE_SIZE) {
        problems.add(sizePath, "must be from 1 to " + MAX_TABLE_SIZE + ", not " + Long.toUnsignedString(size));
      } else if (!isPrime(size)) {
        problems.add(sizePath, "must be a prime number (Envoy's default is 65537), not " + size);
      } else {
        config.put("tableSize", (int) size);
      }
    }
    return Map.copyOf(config);
  }

  private static void ring(
      Cluster.RingHashLbConfig ring, String path, Problems problems, Map<String, Object> config) {
    switch (ring.getHashFunction()) {
      case XX_HASH -> {} // the balancer's default
      case MURMUR_HASH_2 -> config.put("hashFunction", "MURMUR_HASH_2");
      default ->
          problems.add(
              Problems.join(path, "hash_function"),
              "unknown value " + ring.getHashFunctionValue() + " (XX_HASH or MURMUR_HASH_2)");
    }
    String minPath = Problems.join(path, "minimum_ring_size");
    String maxPath = Problems.join(path, "maximum_ring_size");
    long min = ring.hasMinimumRingSize() ? ringSize(ring.getMinimumRingSize().getValue(), minPath, problems) : -1;
    long max = ring.hasMaximumRingSize() ? ringSize(ring.getMaximumRingSize().getValue(), maxPath, problems) : -1;
    if (min > 0) {
      config.put("minimumRingSize", (int) min);
    }
    if (max > 0) {
      config.put("maximumRingSize", (int) max);
      long effectiveMin = min > 0 ? min : DEFAULT_MINIMUM_RING_SIZE;
      if (effectiveMin > max) {
        problems.add(
            maxPath,
            "must not be less than minimum_ring_size (" + effectiveMin
                + (min > 0 ? "" : ", the default") + "), is " + max);
      }
    }
  }

  /** The size, or 0 after reporting one outside 1 to 8388608. */
  private static long ringSize(long size, String path, Problems problems) {
    if (size < 1 || size > MAX_RING_SIZE) {
      problems.add(path, "must be from 1 to " + MAX_RING_SIZE + ", not " + Long.toUnsignedString(size));
      return 0;
    }
    return size;
  }

  private static boolean isPrime(long n) {
    if (n < 2) {
      return false;
    }
    for (long d = 2; d * d <= n; d++) {
      if (n % d == 0) {
        return false;
      }
    }
    return true;
  }
}
