package dev.bowline.plugins.lb.ringhash;

import dev.bowline.spi.lb.UpstreamHost;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * A Maglev lookup table (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load
 * Balancer", NSDI 2016, pseudocode listing 1) with weights, built as Envoy's {@code MAGLEV} builds
 * it, so the same hosts and table size give the same table, entry for entry.
 *
 * <p><b>Permutations.</b> Each host's key {@code k} (its {@code address:port}) gives an
 * {@code offset = xxHash64(k, seed 0) mod M} and a {@code skip = xxHash64(k, seed 1) mod (M - 1) +
 * 1}, read as unsigned, for a table of prime size {@code M}; the host's preference list is
 * {@code (offset + j * skip) mod M} for {@code j = 0, 1, ...}, which visits every entry once.
 *
 * <p><b>Filling.</b> Hosts are taken in order of their keys. In rounds numbered from 1, a host
 * whose weight share is {@code w} takes its turn when {@code round * w} has reached its running
 * target (which grows by the largest share at each turn), so the heaviest hosts take a turn every
 * round and a host of a third of that weight every third round. At its turn a host claims the next
 * free entry of its preference list. The table fills after about {@code M} turns; with equal
 * weights, entry counts differ by at most one.
 *
 * <p><b>Lookup.</b> A hash (read as unsigned) maps to entry {@code hash mod M}: {@code O(1)}.
 *
 * <p><b>Threading.</b> Immutable; {@link #slotFor(long)} is lock-free and allocation-free.
 */
final class MaglevTable implements ConsistentHashTable {

  private final int size;
  private final HostSlots slots;

  private MaglevTable(int size, HostSlots slots) {
    this.size = size;
    this.slots = slots;
  }

  /**
   * Builds the table for {@code hosts}.
   *
   * @param hosts at least one host; not copied, must not change
   * @param tableSize a prime of at least 2
   */
  static MaglevTable build(UpstreamHost[] hosts, int tableSize) {
    if (hosts.length == 0) {
      throw new IllegalArgumentException("a table needs at least one host");
    }
    if (!MaglevConfig.isPrime(tableSize)) {
      throw new IllegalArgumentException("table size " + tableSize + " is not prime");
    }
    NormalizedWeights weights = new NormalizedWeights(hosts);
    String[] keys = Arrays.stream(hosts).map(HostHashKeys::of).toArray(String[]::new);
    int[] order =
        IntStream.range(0, hosts.length)
            .boxed()
            .sorted(Comparator.<Integer, String>comparing(i -> keys[i]).thenComparing(i -> i))
            .mapToInt(Integer::intValue)
            .toArray();

    int n = hosts.length;
    long[] offset = new long[n];
    long[] skip = new long[n];
    double[] share = new double[n];
    double[] target = new double[n];
    long[] next = new long[n];
    for (int e = 0; e < n; e++) {
      byte[] key = HostHashKeys.bytesOf(hosts[order[e]]);
      offset[e] = Long.remainderUnsigned(XxHash64.hash(key, key.length, 0), tableSize);
      skip[e] = Long.remainderUnsigned(XxHash64.hash(key, key.length, 1), tableSize - 1) + 1;
      share[e] = weights.share(order[e]);
    }

    int[] owners = new int[tableSize];
    Arrays.fill(owners, -1);
    double maxShare = weights.max();
    int filled = 0;
    for (long round = 1; filled < tableSize; round++) {
      for (int e = 0; e < n && filled < tableSize; e++) {
        if (round * share[e] < target[e]) {
          continue;
        }
        target[e] += maxShare;
        int entry = (int) ((offset[e] + skip[e] * next[e]) % tableSize);
        while (owners[entry] >= 0) {
          next[e]++;
          entry = (int) ((offset[e] + skip[e] * next[e]) % tableSize);
        }
        owners[entry] = order[e];
        next[e]++;
        filled++;
      }
    }
    return new MaglevTable(tableSize, new HostSlots(hosts, owners));
  }

  @Override
  public int slotFor(long hash) {
    return (int) Long.remainderUnsigned(hash, size);
  }

  @Override
  public HostSlots slots() {
    return slots;
  }

  @Override
  public String toString() {
    return "MaglevTable{size=" + size + "}";
  }
}
