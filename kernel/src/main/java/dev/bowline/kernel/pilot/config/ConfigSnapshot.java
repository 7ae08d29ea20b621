package dev.bowline.kernel.pilot.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An immutable view of every accepted resource at one store revision. Thread-safe; cheap to
 * share with the translator and the API.
 */
public final class ConfigSnapshot {

  /** A snapshot holding nothing, at revision 0. */
  public static final ConfigSnapshot EMPTY = new ConfigSnapshot(0, Map.of());

  private final long revision;
  private final Map<ConfigKey, ConfigResource<?>> resources;

  /** A snapshot of {@code resources} at {@code revision}. */
  public ConfigSnapshot(long revision, Map<ConfigKey, ConfigResource<?>> resources) {
    this.revision = revision;
    this.resources = Collections.unmodifiableMap(new TreeMap<>(resources));
  }

  /** The store revision this snapshot shows. */
  public long revision() {
    return revision;
  }

  /** Every resource, ordered by key. */
  public Map<ConfigKey, ConfigResource<?>> all() {
    return resources;
  }

  /** One resource. */
  public Optional<ConfigResource<?>> get(ConfigKey key) {
    return Optional.ofNullable(resources.get(key));
  }

  /**
   * The resources of one kind, ordered by namespace and name.
   *
   * @param specType the kind's {@link ConfigKind#specType()}
   * @throws IllegalArgumentException {@code specType} is not the kind's spec type
   */
  @SuppressWarnings("unchecked")
  public <T> List<ConfigResource<T>> of(ConfigKind kind, Class<T> specType) {
    if (!kind.specType().equals(specType)) {
      throw new IllegalArgumentException(kind.kind() + " specs are " + kind.specType().getName());
    }
    List<ConfigResource<T>> out = new ArrayList<>();
    for (ConfigResource<?> r : resources.values()) {
      if (r.key().kind() == kind) {
        out.add((ConfigResource<T>) r);
      }
    }
    return out;
  }
}
