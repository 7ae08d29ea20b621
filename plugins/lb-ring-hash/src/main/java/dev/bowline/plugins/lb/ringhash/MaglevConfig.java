package dev.bowline.plugins.lb.ringhash;

/**
 * The validated configuration of {@code bowline.lb.maglev}, with the name of Envoy's
 * {@code MaglevLbConfig} in camelCase.
 *
 * <p>Immutable and thread-safe.
 *
 * @param tableSize the number of lookup-table entries, a prime from 2 to {@value #MAX_TABLE_SIZE}
 *     (Envoy's {@code table_size}, default {@value #DEFAULT_TABLE_SIZE}); a larger table moves
 *     fewer keys when hosts change and follows the weights more closely
 */
public record MaglevConfig(int tableSize) {

  /** Envoy's default table size, a prime. */
  public static final int DEFAULT_TABLE_SIZE = 65_537;

  /** Envoy's limit, a prime. */
  public static final int MAX_TABLE_SIZE = 5_000_011;

  /** The configuration used when the operator gives none: Envoy's default table. */
  public static final MaglevConfig DEFAULT = new MaglevConfig(DEFAULT_TABLE_SIZE);

  /**
   * Checks the range and that the size is prime.
   *
   * @throws IllegalArgumentException if it is not (operator input should go through
   *     {@link MaglevLoadBalancerFactory#parseConfig(java.util.Map)}, which reports instead)
   */
  public MaglevConfig {
    if (tableSize < 2 || tableSize > MAX_TABLE_SIZE || !isPrime(tableSize)) {
      throw new IllegalArgumentException(
          "tableSize " + tableSize + " is not a prime from 2 to " + MAX_TABLE_SIZE);
    }
  }

  /** Whether {@code n} is prime, by trial division (at most about 1,100 divisions here). */
  static boolean isPrime(long n) {
    if (n < 2) {
      return false;
    }
    if (n % 2 == 0) {
      return n == 2;
    }
    for (long d = 3; d * d <= n; d += 2) {
      if (n % d == 0) {
        return false;
      }
    }
    return true;
  }
}
