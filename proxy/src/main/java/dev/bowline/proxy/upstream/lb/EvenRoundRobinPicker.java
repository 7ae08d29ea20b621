package dev.bowline.proxy.upstream.lb;

import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Round robin over hosts of equal weight: a shared counter walks the host array, so over any
 * {@code k * hosts} consecutive picks each host is chosen exactly {@code k} times, whichever
 * threads made them.
 *
 * <p>When the chosen host is excluded (a retry), the next hosts in rotation order are tried
 * without advancing the counter further; if every host is excluded the chosen one is returned.
 *
 * <p><b>Threading.</b> Immutable apart from one {@link AtomicLong}; {@link #pick(PickContext)} is a
 * single lock-free increment, allocation-free, safe from any number of threads. A 64-bit counter
 * does not wrap in practice.
 */
final class EvenRoundRobinPicker implements Picker {

  private final UpstreamHost[] hosts;
  private final AtomicLong next;

  /**
   * @param hosts at least one host; the array is not copied and must not change
   * @param start the index of the first host to pick (pickers start at a random host, as Envoy and
   *     grpc-java do, so that proxies updated together do not all hit the same host first)
   */
  EvenRoundRobinPicker(UpstreamHost[] hosts, long start) {
    if (hosts.length == 0) {
      throw new IllegalArgumentException("at least one host is needed");
    }
    this.hosts = hosts;
    this.next = new AtomicLong(Math.floorMod(start, hosts.length));
  }

  @Override
  public UpstreamHost pick(PickContext context) {
    int index = Math.floorMod(next.getAndIncrement(), hosts.length);
    UpstreamHost chosen = hosts[index];
    if (!context.isExcluded(chosen)) {
      return chosen;
    }
    return HostScan.firstAllowedFrom(hosts, index, context);
  }

  @Override
  public String toString() {
    return "EvenRoundRobinPicker{hosts=" + hosts.length + "}";
  }
}
