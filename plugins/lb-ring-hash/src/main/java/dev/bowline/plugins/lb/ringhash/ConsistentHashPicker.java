package dev.bowline.plugins.lb.ringhash;

import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks the host that a request's hash key maps to on a {@link ConsistentHashTable}. A request
 * without a hash key gets a random 64-bit value mapped the same way, as Envoy does: a random host,
 * each host chosen in proportion to its share of the ring or table, so in proportion to its
 * weight. Hosts excluded by a retry are passed over as {@link HostSlots#pick} describes.
 *
 * <p><b>Threading.</b> Immutable; {@link #pick(PickContext)} never blocks, never locks and never
 * allocates, and is safe from any number of threads.
 */
final class ConsistentHashPicker implements Picker {

  private final ConsistentHashTable table;
  private final HostSlots slots;

  ConsistentHashPicker(ConsistentHashTable table) {
    this.table = table;
    this.slots = table.slots();
  }

  @Override
  public UpstreamHost pick(PickContext context) {
    long hash = context.hasHashKey() ? context.hashKey() : ThreadLocalRandom.current().nextLong();
    return slots.pick(table.slotFor(hash), context);
  }

  /** The table this picker maps keys on. */
  ConsistentHashTable table() {
    return table;
  }

  @Override
  public String toString() {
    return "ConsistentHashPicker{" + table + "}";
  }
}
