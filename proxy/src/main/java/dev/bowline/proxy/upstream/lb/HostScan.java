package dev.bowline.proxy.upstream.lb;

import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.UpstreamHost;

/**
 * Finds a host a retry may use: the first host, walking forward cyclically from a starting index,
 * that the request does not exclude. Allocation-free; O(hosts) in the worst case, which only
 * retries pay.
 *
 * <p>Stateless and thread-safe.
 */
final class HostScan {

  private HostScan() {}

  /**
   * The first of {@code hosts[from]}, {@code hosts[from + 1]}, ... (wrapping around) that
   * {@code context} does not exclude; {@code hosts[from]} when it excludes them all.
   *
   * @param hosts a non-empty array
   * @param from an index into {@code hosts}
   */
  static UpstreamHost firstAllowedFrom(UpstreamHost[] hosts, int from, PickContext context) {
    int n = hosts.length;
    for (int i = 0; i < n; i++) {
      int index = from + i;
      if (index >= n) {
        index -= n;
      }
      UpstreamHost candidate = hosts[index];
      if (!context.isExcluded(candidate)) {
        return candidate;
      }
    }
    return hosts[from];
  }
}
