package dev.bowline.plugins.lb.ringhash;

import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import dev.bowline.spi.lb.testing.TestHost;
import java.util.SplittableRandom;

/** Deterministic hash keys, where a picker sends them, and how much of that changes. */
final class KeySamples {

  private KeySamples() {}

  /** {@code count} 64-bit keys from a fixed seed. */
  static long[] keys(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    long[] keys = new long[count];
    for (int i = 0; i < count; i++) {
      keys[i] = random.nextLong();
    }
    return keys;
  }

  /** The host each key is sent to. */
  static UpstreamHost[] owners(Picker picker, long[] keys) {
    UpstreamHost[] owners = new UpstreamHost[keys.length];
    for (int i = 0; i < keys.length; i++) {
      owners[i] = picker.pick(HashKeyContext.key(keys[i]));
    }
    return owners;
  }

  /** The fraction of keys sent to another host (compared by test host index). */
  static double movedFraction(UpstreamHost[] before, UpstreamHost[] after) {
    int moved = 0;
    for (int i = 0; i < before.length; i++) {
      moved += TestHost.indexOf(before[i]) != TestHost.indexOf(after[i]) ? 1 : 0;
    }
    return (double) moved / before.length;
  }

  /** The fraction of keys that went to each of {@code hosts} hosts. */
  static double[] shares(UpstreamHost[] owners, int hosts) {
    double[] shares = new double[hosts];
    for (UpstreamHost owner : owners) {
      shares[TestHost.indexOf(owner)] += 1.0 / owners.length;
    }
    return shares;
  }
}
