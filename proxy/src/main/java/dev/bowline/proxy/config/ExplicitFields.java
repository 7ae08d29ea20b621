package dev.bowline.proxy.config;

import java.util.Collection;
import java.util.Set;

/**
 * The fields a configuration source wrote explicitly, by full path (such as
 * {@code static_resources.listeners[0].filter_chains[0].filters[0].typed_config.merge_slashes}).
 *
 * <p>A proto3 scalar without presence, such as {@code HttpConnectionManager.merge_slashes}, reads
 * the same whether it was written as its default ({@code false}) or left out. Where Bowline's
 * default differs from Envoy's, a translator asks this to honor a value the operator wrote. A
 * bootstrap file knows what was written; an xDS resource does not (the wire drops defaults), so
 * xDS translation passes {@link #NONE} and Bowline's default applies.
 *
 * <p>Immutable and thread-safe.
 */
public final class ExplicitFields {

  /** Nothing known to be written: every absent-or-default field takes Bowline's default. */
  public static final ExplicitFields NONE = new ExplicitFields(Set.of());

  private final Set<String> paths;

  private ExplicitFields(Set<String> paths) {
    this.paths = paths;
  }

  /** These full paths, as written in the source. */
  public static ExplicitFields of(Collection<String> paths) {
    return new ExplicitFields(Set.copyOf(paths));
  }

  /** Whether the field at this full path was written in the source. */
  public boolean contains(String path) {
    return paths.contains(path);
  }
}
