package dev.bowline.plugins.lb.ringhash;

import dev.bowline.spi.plugin.ConfigOrError;
import java.util.Map;

/**
 * Turns the raw configuration tree of {@code bowline.lb.ring_hash} into a {@link RingHashConfig}:
 * {@code minimumRingSize} and {@code maximumRingSize}, whole numbers from 1 to
 * {@value RingHashConfig#MAX_RING_SIZE}, the minimum not above the maximum; {@code hashFunction},
 * {@code XX_HASH} or {@code MURMUR_HASH_2}. Every problem names its field; any other key is an
 * error.
 *
 * <p>Stateless and thread-safe; never throws for bad input.
 */
final class RingHashConfigParser {

  static final String MINIMUM_RING_SIZE = "minimumRingSize";
  static final String MAXIMUM_RING_SIZE = "maximumRingSize";
  static final String HASH_FUNCTION = "hashFunction";

  private RingHashConfigParser() {}

  static ConfigOrError<RingHashConfig> parse(Map<String, ?> raw) {
    ConfigReader reader =
        new ConfigReader(raw, MINIMUM_RING_SIZE, MAXIMUM_RING_SIZE, HASH_FUNCTION);
    int before = reader.errorCount();
    int minimum =
        (int) reader.wholeNumber(
            MINIMUM_RING_SIZE, 1, RingHashConfig.MAX_RING_SIZE,
            RingHashConfig.DEFAULT_MINIMUM_RING_SIZE);
    int maximum =
        (int) reader.wholeNumber(
            MAXIMUM_RING_SIZE, 1, RingHashConfig.MAX_RING_SIZE, RingHashConfig.MAX_RING_SIZE);
    boolean sizesValid = reader.errorCount() == before;
    HashFunction hashFunction =
        reader.enumName(HASH_FUNCTION, HashFunction.class, HashFunction.XX_HASH);
    if (sizesValid && minimum > maximum) {
      if (reader.isSet(MINIMUM_RING_SIZE)) {
        reader.error(
            MINIMUM_RING_SIZE,
            "must not be greater than " + MAXIMUM_RING_SIZE + " (" + maximum + "), not " + minimum);
      } else {
        reader.error(
            MAXIMUM_RING_SIZE,
            "must be at least " + MINIMUM_RING_SIZE + " (" + minimum + ", the default), not "
                + maximum);
      }
    }
    return reader.result(() -> new RingHashConfig(minimum, maximum, hashFunction));
  }
}
