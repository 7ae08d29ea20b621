package dev.bowline.proxy.route;

import java.util.Map;

/**
 * An immutable open-addressing map from lower-case domain strings to virtual hosts, looked up by a
 * region of the request's authority with ASCII case ignored, so that neither lower-casing nor port
 * stripping allocates a string.
 */
final class DomainMap {

  static final DomainMap EMPTY = new DomainMap(Map.of());

  private final String[] keys;
  private final VirtualHostRoutes[] values;
  private final int mask;

  /** @param entries lower-case keys */
  DomainMap(Map<String, VirtualHostRoutes> entries) {
    int capacity = Integer.highestOneBit(Math.max(2, entries.size() * 2 + 1) - 1) << 1;
    keys = new String[capacity];
    values = new VirtualHostRoutes[capacity];
    mask = capacity - 1;
    for (Map.Entry<String, VirtualHostRoutes> entry : entries.entrySet()) {
      String key = entry.getKey();
      int slot = hash(key, 0, key.length()) & mask;
      while (keys[slot] != null) {
        slot = (slot + 1) & mask;
      }
      keys[slot] = key;
      values[slot] = entry.getValue();
    }
  }

  /** The virtual host for {@code s[from, to)} compared ignoring ASCII case, or {@code null}. */
  VirtualHostRoutes get(String s, int from, int to) {
    int length = to - from;
    int slot = hash(s, from, to) & mask;
    String key;
    while ((key = keys[slot]) != null) {
      if (key.length() == length && Ascii.regionEqualsIgnoreCase(key, 0, s, from, length)) {
        return values[slot];
      }
      slot = (slot + 1) & mask;
    }
    return null;
  }

  private static int hash(String s, int from, int to) {
    int h = 0;
    for (int i = from; i < to; i++) {
      h = 31 * h + Ascii.lower(s.charAt(i));
    }
    return h ^ (h >>> 16);
  }
}
