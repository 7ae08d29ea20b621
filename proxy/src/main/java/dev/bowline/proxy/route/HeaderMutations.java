package dev.bowline.proxy.route;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The header changes to make to a request or a response, precompiled from every configuration
 * level that applies and merged in Envoy's order: by default the most specific level first
 * (weighted cluster, route, virtual host, route configuration), so that where levels overwrite the
 * same header the least specific wins; with {@code most_specific_header_mutations_wins} the route
 * configuration comes first and the route last (a weighted cluster's level always comes first, as
 * in Envoy).
 *
 * <p>Each level removes its headers, then adds or overwrites them per its append actions, the
 * values being computed before the level changes anything. Empty values are skipped unless {@code
 * keep_empty_value} is set.
 *
 * <p>Immutable and thread-safe. {@link #apply} allocates only for values with format variables.
 */
public final class HeaderMutations {

  /** No change. */
  public static final HeaderMutations NONE = new HeaderMutations(new HeaderLevel[0]);

  private final HeaderLevel[] levels;

  private HeaderMutations(HeaderLevel[] levels) {
    this.levels = levels;
  }

  /** The mutations of {@code levels} in order, leaving out empty ones. */
  static HeaderMutations of(List<HeaderLevel> levels) {
    List<HeaderLevel> kept = new ArrayList<>();
    for (HeaderLevel level : levels) {
      if (!level.isEmpty()) {
        kept.add(level);
      }
    }
    return kept.isEmpty() ? NONE : new HeaderMutations(kept.toArray(new HeaderLevel[0]));
  }

  /** Whether applying changes nothing; the data path may skip the call. */
  public boolean isEmpty() {
    return levels.length == 0;
  }

  /**
   * Applies the changes to {@code headers}.
   *
   * @param context the values format variables refer to; only read if some value has variables
   */
  public void apply(MutableHeaders headers, FormatContext context) {
    for (HeaderLevel level : levels) {
      level.apply(headers, context);
    }
  }

  @Override
  public String toString() {
    return Arrays.toString(levels);
  }
}
