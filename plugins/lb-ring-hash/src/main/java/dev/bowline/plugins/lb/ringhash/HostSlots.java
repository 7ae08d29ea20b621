package dev.bowline.plugins.lb.ringhash;

import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.UpstreamHost;

/**
 * A circular sequence of slots, each owned by one host: the entries of a hash ring in ring order,
 * or the entries of a Maglev table. A key maps to a home slot; {@link #pick(int, PickContext)}
 * returns its owner, or for a retry that excludes the owner, the owner of the first slot after it
 * (going round) whose host is not excluded.
 *
 * <p>That walk first looks at the next {@value #SHORT_WALK} slots, which nearly always finds an
 * allowed host. When it does not (long runs of excluded hosts, as with one very heavy host), it
 * finds the same answer in {@code O(hosts log slots)} instead of walking on: for every allowed host
 * it binary-searches that host's sorted slot positions for the first one after the home slot, and
 * keeps the nearest. A host that owns no slot (a ring capped by its maximum size, a table smaller
 * than the host count) is never picked. When every host that owns a slot is excluded, the home
 * slot's owner is returned anyway.
 *
 * <p><b>Threading.</b> Immutable; {@link #pick(int, PickContext)} is lock-free and
 * allocation-free, safe from any number of threads.
 */
final class HostSlots {

  /** How many slots past the home slot a retry looks at before searching per host. */
  static final int SHORT_WALK = 16;

  private final UpstreamHost[] hosts;
  /** {@code owners[slot]} is the index in {@link #hosts} of the slot's owner. */
  private final int[] owners;
  /** Host {@code h}'s slots are {@code positions[starts[h] .. starts[h + 1])}, ascending. */
  private final int[] starts;
  private final int[] positions;

  /**
   * @param hosts the hosts; the array is not copied and must not change
   * @param owners for each slot, the index in {@code hosts} of its owner; at least one slot; the
   *     array is not copied and must not change
   */
  HostSlots(UpstreamHost[] hosts, int[] owners) {
    if (owners.length == 0) {
      throw new IllegalArgumentException("at least one slot is needed");
    }
    this.hosts = hosts;
    this.owners = owners;
    starts = new int[hosts.length + 1];
    for (int owner : owners) {
      starts[owner + 1]++;
    }
    for (int h = 0; h < hosts.length; h++) {
      starts[h + 1] += starts[h];
    }
    positions = new int[owners.length];
    int[] filled = new int[hosts.length];
    for (int slot = 0; slot < owners.length; slot++) {
      int owner = owners[slot];
      positions[starts[owner] + filled[owner]++] = slot;
    }
  }

  /** The number of slots. */
  int size() {
    return owners.length;
  }

  /** The host that owns {@code slot}. */
  UpstreamHost owner(int slot) {
    return hosts[owners[slot]];
  }

  /** How many slots host number {@code host} owns. */
  int slotCount(int host) {
    return starts[host + 1] - starts[host];
  }

  /**
   * The owner of {@code home}, or, if the context excludes it, the owner of the first later slot
   * (going round) whose host is not excluded; the owner of {@code home} when every host with a
   * slot is excluded.
   *
   * @param home a slot, from 0 to {@link #size()} - 1
   */
  UpstreamHost pick(int home, PickContext context) {
    UpstreamHost homeOwner = hosts[owners[home]];
    if (!context.isExcluded(homeOwner)) {
      return homeOwner;
    }
    UpstreamHost next = nextAllowed(home, context);
    return next != null ? next : homeOwner;
  }

  private UpstreamHost nextAllowed(int home, PickContext context) {
    int homeHost = owners[home];
    int slots = owners.length;
    int lastChecked = homeHost; // every host checked so far was excluded
    int slot = home;
    int steps = Math.min(slots - 1, SHORT_WALK);
    for (int step = 0; step < steps; step++) {
      slot = slot + 1 == slots ? 0 : slot + 1;
      int owner = owners[slot];
      if (owner != lastChecked && owner != homeHost) {
        if (!context.isExcluded(hosts[owner])) {
          return hosts[owner];
        }
        lastChecked = owner;
      }
    }
    return nearestAllowed(home, homeHost, context);
  }

  /** The allowed host whose first slot after {@code home} is nearest; null if none. */
  private UpstreamHost nearestAllowed(int home, int homeHost, PickContext context) {
    int best = -1;
    int bestDistance = Integer.MAX_VALUE;
    for (int h = 0; h < hosts.length; h++) {
      if (h == homeHost || starts[h] == starts[h + 1] || context.isExcluded(hosts[h])) {
        continue;
      }
      int distance = distanceToNextSlot(h, home);
      if (distance < bestDistance) {
        best = h;
        bestDistance = distance;
      }
    }
    return best < 0 ? null : hosts[best];
  }

  /** How many slots forward from {@code home}, going round, host {@code h}'s next slot lies. */
  private int distanceToNextSlot(int h, int home) {
    int low = starts[h];
    int high = starts[h + 1]; // first position > home lies in [low, high]
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (positions[mid] > home) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    return low < starts[h + 1]
        ? positions[low] - home
        : positions[starts[h]] + owners.length - home;
  }
}
