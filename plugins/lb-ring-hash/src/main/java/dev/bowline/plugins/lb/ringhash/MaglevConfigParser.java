package dev.bowline.plugins.lb.ringhash;

import dev.bowline.spi.plugin.ConfigOrError;
import java.util.Map;

/**
 * Turns the raw configuration tree of {@code bowline.lb.maglev} into a {@link MaglevConfig}:
 * {@code tableSize}, a prime from 2 to {@value MaglevConfig#MAX_TABLE_SIZE}. A size that is not
 * prime is an error that names the nearest primes; any other key is an error.
 *
 * <p>Stateless and thread-safe; never throws for bad input.
 */
final class MaglevConfigParser {

  static final String TABLE_SIZE = "tableSize";

  private MaglevConfigParser() {}

  static ConfigOrError<MaglevConfig> parse(Map<String, ?> raw) {
    ConfigReader reader = new ConfigReader(raw, TABLE_SIZE);
    int before = reader.errorCount();
    int tableSize =
        (int) reader.wholeNumber(
            TABLE_SIZE, 2, MaglevConfig.MAX_TABLE_SIZE, MaglevConfig.DEFAULT_TABLE_SIZE);
    if (reader.errorCount() == before && !MaglevConfig.isPrime(tableSize)) {
      reader.error(
          TABLE_SIZE, "must be a prime number, not " + tableSize + nearestPrimes(tableSize));
    }
    return reader.result(() -> new MaglevConfig(tableSize));
  }

  /** "; the nearest primes are 65521 and 65537" (the largest allowed size is itself a prime). */
  private static String nearestPrimes(int n) {
    long below = n - 1;
    while (below >= 2 && !MaglevConfig.isPrime(below)) {
      below--;
    }
    long above = n + 1;
    while (!MaglevConfig.isPrime(above)) {
      above++;
    }
    return "; the nearest primes are " + below + " and " + above;
  }
}
