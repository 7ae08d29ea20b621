package dev.bowline.plugins.lb.ringhash;

/**
 * XXH64, the 64-bit xxHash of Yann Collet (version 0.6.2 of the algorithm, unchanged since), as
 * Envoy's {@code HashUtil::xxHash64} computes it: the input read little-endian, the result as an
 * unsigned 64-bit value held in a {@code long}.
 *
 * <p>Stateless and thread-safe; allocation-free.
 */
final class XxHash64 {

  private static final long PRIME1 = 0x9E3779B185EBCA87L;
  private static final long PRIME2 = 0xC2B2AE3D27D4EB4FL;
  private static final long PRIME3 = 0x165667B19E3779F9L;
  private static final long PRIME4 = 0x85EBCA77C2B2AE63L;
  private static final long PRIME5 = 0x27D4EB2F165667C5L;

  private XxHash64() {}

  /**
   * The hash of {@code input[0..length)}.
   *
   * @param input the bytes to hash
   * @param length how many bytes of {@code input}, from the start, to hash
   * @param seed the seed (Envoy hashes hosts with seeds 0 and 1)
   */
  static long hash(byte[] input, int length, long seed) {
    if (length < 0 || length > input.length) {
      throw new IndexOutOfBoundsException("length " + length + " of " + input.length + " bytes");
    }
    int p = 0;
    long h;
    if (length >= 32) {
      long v1 = seed + PRIME1 + PRIME2;
      long v2 = seed + PRIME2;
      long v3 = seed;
      long v4 = seed - PRIME1;
      int limit = length - 32;
      do {
        v1 = round(v1, longAt(input, p));
        v2 = round(v2, longAt(input, p + 8));
        v3 = round(v3, longAt(input, p + 16));
        v4 = round(v4, longAt(input, p + 24));
        p += 32;
      } while (p <= limit);
      h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12)
          + Long.rotateLeft(v4, 18);
      h = mergeRound(h, v1);
      h = mergeRound(h, v2);
      h = mergeRound(h, v3);
      h = mergeRound(h, v4);
    } else {
      h = seed + PRIME5;
    }
    h += length;
    while (p + 8 <= length) {
      h ^= round(0, longAt(input, p));
      h = Long.rotateLeft(h, 27) * PRIME1 + PRIME4;
      p += 8;
    }
    if (p + 4 <= length) {
      h ^= (intAt(input, p) & 0xFFFF_FFFFL) * PRIME1;
      h = Long.rotateLeft(h, 23) * PRIME2 + PRIME3;
      p += 4;
    }
    while (p < length) {
      h ^= (input[p] & 0xFFL) * PRIME5;
      h = Long.rotateLeft(h, 11) * PRIME1;
      p++;
    }
    h ^= h >>> 33;
    h *= PRIME2;
    h ^= h >>> 29;
    h *= PRIME3;
    h ^= h >>> 32;
    return h;
  }

  private static long round(long accumulator, long input) {
    accumulator += input * PRIME2;
    accumulator = Long.rotateLeft(accumulator, 31);
    return accumulator * PRIME1;
  }

  private static long mergeRound(long accumulator, long value) {
    accumulator ^= round(0, value);
    return accumulator * PRIME1 + PRIME4;
  }

  private static long longAt(byte[] b, int i) {
    return (b[i] & 0xFFL)
        | (b[i + 1] & 0xFFL) << 8
        | (b[i + 2] & 0xFFL) << 16
        | (b[i + 3] & 0xFFL) << 24
        | (b[i + 4] & 0xFFL) << 32
        | (b[i + 5] & 0xFFL) << 40
        | (b[i + 6] & 0xFFL) << 48
        | (b[i + 7] & 0xFFL) << 56;
  }

  private static int intAt(byte[] b, int i) {
    return (b[i] & 0xFF)
        | (b[i + 1] & 0xFF) << 8
        | (b[i + 2] & 0xFF) << 16
        | (b[i + 3] & 0xFF) << 24;
  }
}
