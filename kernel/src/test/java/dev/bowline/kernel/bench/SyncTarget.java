package dev.bowline.kernel.bench;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Waits for every simulated proxy to hold and have acknowledged one generation of the synthetic
 * registry: clusters and endpoint assignments all of that generation's port and {@code clusters}
 * of them, and at least one route configuration acknowledged after the target was armed (so a new
 * route table after a full push). Each proxy reports the {@link System#nanoTime()} at which it
 * first met the target, once.
 *
 * <p>Thread-safe: proxies report from gRPC threads, the benchmark reads from its own.
 */
final class SyncTarget {

  private final int port;
  private final int clusters;
  private final long[] routeAcksBefore;
  private final AtomicLongArray reached;
  private final CountDownLatch remaining;

  /**
   * @param port the service port of the generation to reach
   * @param clusters how many outbound clusters (and assignments) that generation has
   * @param routeAcksBefore per proxy, how many route responses it had acknowledged when armed
   */
  SyncTarget(int port, int clusters, long[] routeAcksBefore) {
    this.port = port;
    this.clusters = clusters;
    this.routeAcksBefore = routeAcksBefore.clone();
    this.reached = new AtomicLongArray(routeAcksBefore.length);
    this.remaining = new CountDownLatch(routeAcksBefore.length);
  }

  /** Whether proxy {@code index}, in the given state, meets the target. */
  boolean isMetBy(
      int index, int clusterPort, int clusterCount, int endpointPort, int endpointCount,
      long routeAcks) {
    return clusterPort == port
        && clusterCount == clusters
        && endpointPort == port
        && endpointCount == clusters
        && routeAcks > routeAcksBefore[index];
  }

  /** Records that proxy {@code index} met the target at {@code nanoTime}; once. */
  void reached(int index, long nanoTime) {
    if (reached.compareAndSet(index, 0, nanoTime)) {
      remaining.countDown();
    }
  }

  /** Whether proxy {@code index} has met the target. */
  boolean hasReached(int index) {
    return reached.get(index) != 0;
  }

  /** Waits until every proxy met the target; false on timeout. */
  boolean await(Duration timeout) throws InterruptedException {
    return remaining.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** How many proxies have not met it yet. */
  long missing() {
    return remaining.getCount();
  }

  /** When each proxy met the target, in milliseconds after {@code startNanos}; -1 for not yet. */
  double[] millisSince(long startNanos) {
    double[] out = new double[reached.length()];
    for (int i = 0; i < out.length; i++) {
      long at = reached.get(i);
      out[i] = at == 0 ? -1 : (at - startNanos) / 1e6;
    }
    return out;
  }
}
