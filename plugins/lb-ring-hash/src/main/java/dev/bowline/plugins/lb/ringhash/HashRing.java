package dev.bowline.plugins.lb.ringhash;

import dev.bowline.spi.lb.UpstreamHost;
import java.util.Arrays;

/**
 * A ketama hash ring built as Envoy's {@code RING_HASH} builds it, so the same hosts and
 * configuration give the same ring, entry for entry.
 *
 * <p><b>Size.</b> With {@code share(h)} each host's weight over the sum of weights, the ring gets
 * {@code scale = min(ceil(minShare * minimumRingSize) / minShare, maximumRingSize)} entries, about:
 * the least-weighted host gets a whole number of entries (at least one, unless the maximum caps
 * the ring) and the others proportionally more.
 *
 * <p><b>Entries.</b> Hosts are taken in the order given. Keeping running sums {@code target}
 * (increased by {@code scale * share(h)} per host) and {@code current} (increased per entry), host
 * {@code h} adds entries while {@code current < target}; its entry number {@code i} (from 0) sits
 * at {@code hashFunction("<address:port>_<i>")}. A host's shares are thus within one entry of
 * exact, and its entries for a smaller ring are a prefix of those for a larger one. The entries are
 * sorted by hash, read as unsigned.
 *
 * <p><b>Lookup.</b> A hash maps to the first entry whose hash is at least as large (unsigned), or
 * to the first entry when it is larger than all: a binary search, {@code O(log entries)}.
 *
 * <p><b>Threading.</b> Immutable; {@link #slotFor(long)} is lock-free and allocation-free.
 */
final class HashRing implements ConsistentHashTable {

  /** Each entry's hash with the sign bit flipped: signed order here is unsigned order of hashes. */
  private final long[] flippedHashes;
  private final HostSlots slots;

  private HashRing(long[] flippedHashes, HostSlots slots) {
    this.flippedHashes = flippedHashes;
    this.slots = slots;
  }

  /**
   * Builds the ring for {@code hosts}.
   *
   * @param hosts at least one host, in the order the cluster lists them; not copied, must not
   *     change
   */
  static HashRing build(UpstreamHost[] hosts, RingHashConfig config) {
    if (hosts.length == 0) {
      throw new IllegalArgumentException("a ring needs at least one host");
    }
    NormalizedWeights weights = new NormalizedWeights(hosts);
    double minShare = weights.min();
    double scale =
        Math.min(
            Math.ceil(minShare * config.minimumRingSize()) / minShare,
            (double) config.maximumRingSize());
    // The running sums may give an entry more or fewer than ceil(scale); the arrays grow if needed.
    int capacity = (int) Math.ceil(scale) + 1;
    long[] hashes = new long[capacity];
    int[] owners = new int[capacity];
    int size = 0;
    HashFunction function = config.hashFunction();
    double current = 0.0;
    double target = 0.0;
    for (int h = 0; h < hosts.length; h++) {
      byte[] prefix = HostHashKeys.bytesOf(hosts[h]);
      byte[] key = Arrays.copyOf(prefix, prefix.length + 1 + 20); // '_' and a long's digits
      key[prefix.length] = '_';
      int digitsAt = prefix.length + 1;
      target += scale * weights.share(h);
      for (long i = 0; current < target; i++) {
        int length = writeDecimal(i, key, digitsAt);
        if (size == hashes.length) {
          hashes = Arrays.copyOf(hashes, size * 2);
          owners = Arrays.copyOf(owners, size * 2);
        }
        hashes[size] = function.hash(key, length) ^ Long.MIN_VALUE;
        owners[size] = h;
        size++;
        current++;
      }
    }
    hashes = Arrays.copyOf(hashes, size);
    owners = Arrays.copyOf(owners, size);
    sortByHash(hashes, owners);
    return new HashRing(hashes, new HostSlots(hosts, owners));
  }

  @Override
  public int slotFor(long hash) {
    long key = hash ^ Long.MIN_VALUE;
    int low = 0;
    int high = flippedHashes.length; // the first entry >= key lies in [low, high]
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (flippedHashes[mid] < key) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low == flippedHashes.length ? 0 : low;
  }

  @Override
  public HostSlots slots() {
    return slots;
  }

  /** The hash of entry {@code slot}, read as unsigned. */
  long hashAt(int slot) {
    return flippedHashes[slot] ^ Long.MIN_VALUE;
  }

  /** Writes {@code value}'s decimal digits at {@code at}; returns the end of the key. */
  private static int writeDecimal(long value, byte[] key, int at) {
    int digits = 1;
    for (long rest = value / 10; rest > 0; rest /= 10) {
      digits++;
    }
    long rest = value;
    for (int i = at + digits - 1; i >= at; i--) {
      key[i] = (byte) ('0' + rest % 10);
      rest /= 10;
    }
    return at + digits;
  }

  /**
   * Sorts the entries by (flipped) hash, carrying their owners along: a stable least significant
   * digit radix sort, eight passes of one byte, {@code O(entries)} with no boxing, so that rings of
   * millions of entries build quickly. Equal hashes keep their build order.
   */
  private static void sortByHash(long[] hashes, int[] owners) {
    int n = hashes.length;
    long[] hashBuffer = new long[n];
    int[] ownerBuffer = new int[n];
    int[] counts = new int[257];
    for (int shift = 0; shift < 64; shift += 8) {
      Arrays.fill(counts, 0);
      for (long hash : hashes) {
        counts[digit(hash, shift) + 1]++;
      }
      if (counts[digit(hashes[0], shift) + 1] == n) {
        continue; // every entry has the same digit here: this pass would change nothing
      }
      for (int d = 0; d < 256; d++) {
        counts[d + 1] += counts[d];
      }
      for (int i = 0; i < n; i++) {
        int at = counts[digit(hashes[i], shift)]++;
        hashBuffer[at] = hashes[i];
        ownerBuffer[at] = owners[i];
      }
      System.arraycopy(hashBuffer, 0, hashes, 0, n);
      System.arraycopy(ownerBuffer, 0, owners, 0, n);
    }
  }

  /** The byte of {@code flipped} at {@code shift}, in signed order (the sign byte flipped back). */
  private static int digit(long flipped, int shift) {
    int digit = (int) (flipped >>> shift) & 0xFF;
    return shift == 56 ? digit ^ 0x80 : digit;
  }

  @Override
  public String toString() {
    return "HashRing{entries=" + flippedHashes.length + "}";
  }
}
