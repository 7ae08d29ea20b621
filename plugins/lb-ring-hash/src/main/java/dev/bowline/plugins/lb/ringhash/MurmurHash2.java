package dev.bowline.plugins.lb.ringhash;

/**
 * The 64-bit MurmurHash2 variant of GNU libstdc++'s {@code std::hash<std::string>}, which Envoy's
 * {@code MurmurHash::murmurHash2} ports and its ring hash uses when {@code hash_function} is
 * {@code MURMUR_HASH_2}: eight-byte words read little-endian, the seed {@value #STD_HASH_SEED}.
 *
 * <p>Stateless and thread-safe; allocation-free.
 */
final class MurmurHash2 {

  /** libstdc++'s seed for {@code std::hash}, which Envoy uses too. */
  static final long STD_HASH_SEED = 0xc70f6907L;

  private static final long MUL = 0xc6a4a7935bd1e995L;

  private MurmurHash2() {}

  /**
   * The hash of {@code input[0..length)}.
   *
   * @param input the bytes to hash
   * @param length how many bytes of {@code input}, from the start, to hash
   * @param seed the seed, {@link #STD_HASH_SEED} to match Envoy
   */
  static long hash(byte[] input, int length, long seed) {
    if (length < 0 || length > input.length) {
      throw new IndexOutOfBoundsException("length " + length + " of " + input.length + " bytes");
    }
    int aligned = length & ~7;
    long hash = seed ^ (length * MUL);
    for (int p = 0; p < aligned; p += 8) {
      hash ^= shiftMix(littleEndian(input, p, 8) * MUL) * MUL;
      hash *= MUL;
    }
    if ((length & 7) != 0) {
      hash ^= littleEndian(input, aligned, length & 7);
      hash *= MUL;
    }
    hash = shiftMix(hash) * MUL;
    return shiftMix(hash);
  }

  private static long shiftMix(long value) {
    return value ^ (value >>> 47);
  }

  /** {@code count} bytes from {@code start}, the first one lowest. */
  private static long littleEndian(byte[] b, int start, int count) {
    long result = 0;
    for (int i = start + count - 1; i >= start; i--) {
      result = (result << 8) | (b[i] & 0xFFL);
    }
    return result;
  }
}
