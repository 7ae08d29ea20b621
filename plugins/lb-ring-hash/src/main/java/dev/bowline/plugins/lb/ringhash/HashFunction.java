package dev.bowline.plugins.lb.ringhash;

/**
 * The function that places hosts on the ring of {@code bowline.lb.ring_hash}, with the names of
 * Envoy's {@code RingHashLbConfig.HashFunction}. Both give the values Envoy computes, so a host
 * lands at the same ring positions as in an Envoy proxy.
 *
 * <p>Immutable and thread-safe.
 */
public enum HashFunction {

  /** xxHash64 with seed 0: Envoy's default. */
  XX_HASH {
    @Override
    long hash(byte[] key, int length) {
      return XxHash64.hash(key, length, 0);
    }
  },

  /** libstdc++'s 64-bit MurmurHash2 ({@code std::hash<std::string>} on Linux). */
  MURMUR_HASH_2 {
    @Override
    long hash(byte[] key, int length) {
      return MurmurHash2.hash(key, length, MurmurHash2.STD_HASH_SEED);
    }
  };

  /** The 64-bit hash of {@code key[0..length)}. */
  abstract long hash(byte[] key, int length);
}
