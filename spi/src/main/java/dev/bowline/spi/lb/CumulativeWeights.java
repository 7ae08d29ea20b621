package dev.bowline.spi.lb;

import java.util.Arrays;

/**
 * Prefix sums of host weights, mapping a point of {@code [0, total)} to the host that owns it:
 * host {@code i} owns {@code [sum(w[0..i-1]), sum(w[0..i]))}, a stretch as long as its weight.
 * Lookups are a binary search: O(log hosts), allocation-free.
 *
 * A building block for weighted balancers (Bowline's random balancer and the least-request plugin
 * draw hosts with it).
 *
 * <p>Immutable and thread-safe.
 */
public final class CumulativeWeights {

  /** {@code ends[i]} is the exclusive end of host {@code i}'s stretch. */
  private final long[] ends;

  public CumulativeWeights(int[] weights) {
    if (weights.length == 0) {
      throw new IllegalArgumentException("at least one weight is needed");
    }
    ends = new long[weights.length];
    long sum = 0;
    for (int i = 0; i < weights.length; i++) {
      if (weights[i] < 1) {
        throw new IllegalArgumentException("weight " + weights[i] + " at index " + i + " is below 1");
      }
      sum += weights[i];
      ends[i] = sum;
    }
  }

  /** The sum of all weights. */
  public long total() {
    return ends[ends.length - 1];
  }

  /**
   * The index of the host that owns {@code point}.
   *
   * @param point a value in {@code [0, total())}
   */
  public int indexOf(long point) {
    int found = Arrays.binarySearch(ends, point);
    // An exact hit on an end belongs to the next host; a miss gives the insertion point.
    return found >= 0 ? found + 1 : -found - 1;
  }
}
