package dev.bowline.proxy.route;

import java.util.Arrays;

/**
 * The header additions and removals of one configuration level (a weighted cluster, a route, a
 * virtual host or the route configuration), applied as Envoy's {@code HeaderParser} does: first
 * the removals; then every value is computed and every append action decided against the headers
 * as they are at that point; then the overwrites, then the additions.
 */
final class HeaderLevel {

  static final HeaderLevel EMPTY = new HeaderLevel(new String[0], new HeaderAdd[0]);

  private static final int KEEP = 1;
  private static final int OVERWRITE = 2;

  private final String[] removals;
  private final HeaderAdd[] additions;
  private final boolean dynamic;

  HeaderLevel(String[] removals, HeaderAdd[] additions) {
    this.removals = removals.clone();
    this.additions = additions.clone();
    boolean anyDynamic = false;
    for (HeaderAdd add : additions) {
      anyDynamic |= !add.value.isLiteral();
    }
    this.dynamic = anyDynamic;
  }

  boolean isEmpty() {
    return removals.length == 0 && additions.length == 0;
  }

  void apply(MutableHeaders headers, FormatContext context) {
    for (String name : removals) {
      headers.remove(name);
    }
    int count = additions.length;
    if (count == 0) {
      return;
    }
    // Decide everything before changing anything, so that all values and append actions of this
    // level see the same headers. Only a level with format variables needs to remember values.
    String[] values = dynamic ? new String[count] : null;
    byte[] decisions = count > 64 ? new byte[count] : null;
    long keep = 0;
    long overwrite = 0;
    for (int i = 0; i < count; i++) {
      HeaderAdd add = additions[i];
      String value = add.value.evaluate(context);
      if (value.isEmpty() && !add.keepEmptyValue) {
        continue;
      }
      int decision;
      switch (add.action) {
        case APPEND_IF_EXISTS_OR_ADD:
          decision = KEEP;
          break;
        case ADD_IF_ABSENT:
          decision = headers.get(add.name) == null ? KEEP : 0;
          break;
        case OVERWRITE_IF_EXISTS:
          decision = headers.get(add.name) == null ? 0 : KEEP | OVERWRITE;
          break;
        case OVERWRITE_IF_EXISTS_OR_ADD:
        default:
          decision = KEEP | OVERWRITE;
          break;
      }
      if (values != null) {
        values[i] = value;
      }
      if (decisions != null) {
        decisions[i] = (byte) decision;
      } else {
        if ((decision & KEEP) != 0) {
          keep |= 1L << i;
        }
        if ((decision & OVERWRITE) != 0) {
          overwrite |= 1L << i;
        }
      }
    }
    for (int pass = 0; pass < 2; pass++) {
      boolean overwrites = pass == 0;
      for (int i = 0; i < count; i++) {
        boolean kept;
        boolean overwritten;
        if (decisions != null) {
          kept = (decisions[i] & KEEP) != 0;
          overwritten = (decisions[i] & OVERWRITE) != 0;
        } else {
          kept = ((keep >>> i) & 1) != 0;
          overwritten = ((overwrite >>> i) & 1) != 0;
        }
        if (!kept || overwritten != overwrites) {
          continue;
        }
        HeaderAdd add = additions[i];
        String value = values != null ? values[i] : add.value.evaluate(context);
        if (overwrites) {
          headers.set(add.name, value);
        } else {
          headers.add(add.name, value);
        }
      }
    }
  }

  @Override
  public String toString() {
    return "{remove=" + Arrays.toString(removals) + ", add=" + Arrays.toString(additions) + "}";
  }
}
