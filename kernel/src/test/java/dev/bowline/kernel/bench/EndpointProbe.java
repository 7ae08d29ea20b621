package dev.bowline.kernel.bench;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Waits for one endpoint change to reach every simulated proxy: a proxy that receives an EDS
 * response whose assignment {@code cluster} holds an endpoint at {@code address} reports the
 * {@link System#nanoTime()} it arrived at, once.
 *
 * <p>Thread-safe: proxies report from gRPC threads, the benchmark reads from its own.
 */
final class EndpointProbe {

  private final String cluster;
  private final String address;
  private final AtomicLongArray arrivals;
  private final CountDownLatch remaining;

  /**
   * @param cluster the EDS resource name (the assignment's {@code cluster_name})
   * @param address the new endpoint address to look for
   * @param proxies how many proxies must report
   */
  EndpointProbe(String cluster, String address, int proxies) {
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    this.address = Objects.requireNonNull(address, "address");
    this.arrivals = new AtomicLongArray(proxies);
    this.remaining = new CountDownLatch(proxies);
  }

  String cluster() {
    return cluster;
  }

  String address() {
    return address;
  }

  /** Records that proxy {@code index} holds the change since {@code nanoTime}; once. */
  void arrived(int index, long nanoTime) {
    if (arrivals.compareAndSet(index, 0, nanoTime)) {
      remaining.countDown();
    }
  }

  /** Whether proxy {@code index} has reported. */
  boolean hasArrived(int index) {
    return arrivals.get(index) != 0;
  }

  /** Waits until every proxy reported; false on timeout. */
  boolean await(Duration timeout) throws InterruptedException {
    return remaining.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** How many proxies have not reported yet. */
  long missing() {
    return remaining.getCount();
  }

  /** The arrival time of each proxy, in milliseconds after {@code startNanos}; -1 for none yet. */
  double[] millisSince(long startNanos) {
    double[] out = new double[arrivals.length()];
    for (int i = 0; i < out.length; i++) {
      long at = arrivals.get(i);
      out[i] = at == 0 ? -1 : (at - startNanos) / 1e6;
    }
    return out;
  }
}
