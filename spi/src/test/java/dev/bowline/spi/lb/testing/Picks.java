package dev.bowline.spi.lb.testing;

import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;

/** Runs a picker many times and records what it chose, by {@link TestHost} index. */
public final class Picks {

  private Picks() {}

  /** The sequence of host indices chosen by {@code count} picks. */
  public static int[] sequence(Picker picker, int count) {
    int[] sequence = new int[count];
    for (int i = 0; i < count; i++) {
      sequence[i] = TestHost.indexOf(picker.pick(PickContext.NONE));
    }
    return sequence;
  }

  /** How many of {@code count} picks went to each of {@code hosts} hosts. */
  public static long[] counts(Picker picker, int hosts, int count, PickContext context) {
    long[] counts = new long[hosts];
    for (int i = 0; i < count; i++) {
      UpstreamHost host = picker.pick(context);
      counts[TestHost.indexOf(host)]++;
    }
    return counts;
  }

  public static long[] counts(Picker picker, int hosts, int count) {
    return counts(picker, hosts, count, PickContext.NONE);
  }

  /** How often each index occurs in {@code sequence}. */
  public static long[] histogram(int[] sequence, int hosts) {
    long[] counts = new long[hosts];
    for (int index : sequence) {
      counts[index]++;
    }
    return counts;
  }

  /** The longest run of {@code index} in {@code sequence}, read as a cycle. */
  public static int longestCyclicRun(int[] sequence, int index) {
    int n = sequence.length;
    int longest = 0;
    int run = 0;
    for (int i = 0; i < 2 * n; i++) {
      run = sequence[i % n] == index ? run + 1 : 0;
      longest = Math.max(longest, Math.min(run, n));
    }
    return longest;
  }
}
