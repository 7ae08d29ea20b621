package dev.bowline.plugins.lb.ringhash;

/**
 * Maps a 64-bit hash to a slot owned by a host: a {@link HashRing} or a {@link MaglevTable}.
 *
 * <p><b>Threading.</b> Implementations are immutable; both methods are lock-free and
 * allocation-free.
 */
interface ConsistentHashTable {

  /** The slot that {@code hash} (read as unsigned) maps to: 0 to {@code slots().size() - 1}. */
  int slotFor(long hash);

  /** The slots and their owners. */
  HostSlots slots();
}
