package dev.bowline.kernel.pilot.config;

import java.util.Objects;

/** Identifies one stored resource: kind, namespace and name. */
public record ConfigKey(ConfigKind kind, String namespace, String name)
    implements Comparable<ConfigKey> {

  public ConfigKey {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  @Override
  public int compareTo(ConfigKey o) {
    int c = kind.compareTo(o.kind);
    if (c == 0) {
      c = namespace.compareTo(o.namespace);
    }
    return c != 0 ? c : name.compareTo(o.name);
  }

  /** {@code Kind/namespace/name}, as messages name a resource. */
  @Override
  public String toString() {
    return kind.kind() + "/" + namespace + "/" + name;
  }
}
