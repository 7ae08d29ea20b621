package dev.bowline.proxy.config;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The fields of one protobuf message type that Bowline supports, as path patterns relative to that
 * message: dotted proto field names, {@code []} after a repeated message field, {@code ["key"]}
 * after a map field with that key. A repeated scalar field is named without {@code []}.
 *
 * <p>Each pattern is one of:
 *
 * <ul>
 *   <li>a <b>leaf</b>: the field may be set; when it is a message, only its own listed fields may
 *       be set (so {@code http2_protocol_options} allows an empty message and nothing inside);
 *   <li>a <b>subtree</b>: the field and everything inside it are allowed (validated elsewhere);
 *   <li><b>delegated</b>: validated by another translator (each bootstrap listener is validated by
 *       the listener translator);
 *   <li>an <b>Any</b>: a {@code google.protobuf.Any} that may hold one of the given types, each
 *       with its own field set;
 *   <li><b>nested</b>: a message field validated against another field set.
 * </ul>
 *
 * <p>Every pattern is checked against the message descriptor when the set is built, so a typo in
 * the allowlist fails at class initialization, not silently. Immutable and thread-safe.
 */
final class FieldSet {

  private enum Kind {
    LEAF,
    SUBTREE,
    DELEGATED
  }

  private final Descriptor type;
  private final boolean opaque;
  private final Map<String, Kind> kinds;
  private final Map<String, List<FieldSet>> anys;
  private final Map<String, FieldSet> nested;
  private final Set<String> ancestors;
  private final List<String> patterns;

  private FieldSet(Builder b, boolean opaque) {
    this.type = b.type;
    this.opaque = opaque;
    this.kinds = Map.copyOf(b.kinds);
    this.anys = Map.copyOf(b.anys);
    this.nested = Map.copyOf(b.nested);
    this.ancestors = Set.copyOf(b.ancestors);
    this.patterns = List.copyOf(b.order);
  }

  /** Starts the field set of a message type. */
  static Builder of(Descriptor type) {
    return new Builder(type);
  }

  /** A type whose every field is allowed (a free-form configuration tree). */
  static FieldSet opaque(Descriptor type) {
    return new FieldSet(new Builder(type), true);
  }

  Descriptor type() {
    return type;
  }

  /** The simple name of the message type, such as {@code HttpConnectionManager}. */
  String simpleName() {
    return type.getName();
  }

  boolean isOpaque() {
    return opaque;
  }

  /** The patterns in the order they were written (for documentation). */
  List<String> patterns() {
    return patterns;
  }

  boolean isLeaf(String pattern) {
    return kinds.get(pattern) == Kind.LEAF;
  }

  /** Whether nothing inside the field at this pattern is checked here. */
  boolean isSkipped(String pattern) {
    Kind kind = kinds.get(pattern);
    return kind == Kind.SUBTREE || kind == Kind.DELEGATED;
  }

  /** The types an Any at this pattern may hold, or null when it is not an Any pattern. */
  List<FieldSet> anyTypes(String pattern) {
    return anys.get(pattern);
  }

  /** The field set of a nested message at this pattern, or null. */
  FieldSet nested(String pattern) {
    return nested.get(pattern);
  }

  /** Whether some allowed pattern lies inside this one (so the message may be set). */
  boolean isAncestor(String pattern) {
    return ancestors.contains(pattern);
  }

  /** Whether the pattern is allowed in any way. */
  boolean mentions(String pattern) {
    return kinds.containsKey(pattern)
        || anys.containsKey(pattern)
        || nested.containsKey(pattern)
        || ancestors.contains(pattern);
  }

  /** Builds a {@link FieldSet}; each method checks its patterns against the descriptor. */
  static final class Builder {
    private final Descriptor type;
    private final Map<String, Kind> kinds = new HashMap<>();
    private final Map<String, List<FieldSet>> anys = new HashMap<>();
    private final Map<String, FieldSet> nested = new HashMap<>();
    private final Set<String> ancestors = new HashSet<>();
    private final List<String> order = new ArrayList<>();

    private Builder(Descriptor type) {
      this.type = type;
    }

    /** Fields that may be set; a message field allows only its own listed fields. */
    Builder leaf(String... patterns) {
      for (String pattern : patterns) {
        FieldDescriptor field = resolve(pattern);
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
            && EnvoyTypes.isAny(valueType(field))) {
          throw new IllegalStateException(pattern + " is an Any: declare it with any()");
        }
        add(pattern, Kind.LEAF);
      }
      return this;
    }

    /** A field whose whole content is allowed here and validated elsewhere. */
    Builder subtree(String pattern) {
      resolve(pattern);
      return add(pattern, Kind.SUBTREE);
    }

    /** A field validated by another translator. */
    Builder delegated(String pattern) {
      resolve(pattern);
      return add(pattern, Kind.DELEGATED);
    }

    /** An Any field that may hold one of these types. */
    Builder any(String pattern, FieldSet... types) {
      FieldDescriptor field = resolve(pattern);
      if (!EnvoyTypes.isAny(valueType(field))) {
        throw new IllegalStateException(pattern + " is not an Any in " + type.getFullName());
      }
      anys.put(pattern, List.of(types));
      order.add(pattern);
      addAncestors(pattern);
      return this;
    }

    /** A message field checked against another field set. */
    Builder nested(String pattern, FieldSet set) {
      FieldDescriptor field = resolve(pattern);
      if (!valueType(field).equals(set.type())) {
        throw new IllegalStateException(pattern + " is not a " + set.type().getFullName());
      }
      nested.put(pattern, set);
      order.add(pattern);
      addAncestors(pattern);
      return this;
    }

    FieldSet build() {
      return new FieldSet(this, false);
    }

    private Builder add(String pattern, Kind kind) {
      if (kinds.put(pattern, kind) != null) {
        throw new IllegalStateException("duplicate pattern " + pattern);
      }
      order.add(pattern);
      addAncestors(pattern);
      return this;
    }

    private void addAncestors(String pattern) {
      List<String> segments = PathPatterns.split(pattern);
      StringBuilder prefix = new StringBuilder();
      for (int i = 0; i < segments.size(); i++) {
        String segment = segments.get(i);
        String bare = PathPatterns.fieldName(segment);
        String base = prefix.length() == 0 ? "" : prefix + ".";
        if (!segment.equals(bare) || i < segments.size() - 1) {
          ancestors.add(base + bare);
        }
        if (i < segments.size() - 1) {
          ancestors.add(base + segment);
        }
        prefix.setLength(0);
        prefix.append(base).append(segment);
      }
    }

    private static Descriptor valueType(FieldDescriptor field) {
      if (field.isMapField()) {
        FieldDescriptor value = field.getMessageType().findFieldByName("value");
        return value.getJavaType() == FieldDescriptor.JavaType.MESSAGE ? value.getMessageType() : null;
      }
      return field.getJavaType() == FieldDescriptor.JavaType.MESSAGE ? field.getMessageType() : null;
    }

    /** Checks a pattern against the descriptor and returns its last field. */
    private FieldDescriptor resolve(String pattern) {
      Descriptor current = type;
      FieldDescriptor field = null;
      List<String> segments = PathPatterns.split(pattern);
      for (int i = 0; i < segments.size(); i++) {
        if (current == null) {
          throw new IllegalStateException(pattern + ": " + segments.get(i - 1) + " is not a message");
        }
        String segment = segments.get(i);
        String name = PathPatterns.fieldName(segment);
        field = current.findFieldByName(name);
        if (field == null) {
          throw new IllegalStateException(
              pattern + ": no field " + name + " in " + current.getFullName());
        }
        boolean last = i == segments.size() - 1;
        boolean indexed = segment.endsWith("[]");
        boolean keyed = segment.endsWith("\"]");
        if (field.isMapField() && !keyed) {
          throw new IllegalStateException(pattern + ": map field " + name + " needs [\"key\"]");
        }
        if (!field.isMapField() && keyed) {
          throw new IllegalStateException(pattern + ": " + name + " is not a map");
        }
        boolean repeatedMessage =
            field.isRepeated() && !field.isMapField()
                && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE;
        if (repeatedMessage != indexed) {
          throw new IllegalStateException(
              pattern + ": " + name + (indexed ? " is not a repeated message" : " needs []"));
        }
        if (field.isRepeated() && !repeatedMessage && !field.isMapField() && !last) {
          throw new IllegalStateException(pattern + ": " + name + " is a scalar list");
        }
        current = valueType(field);
      }
      return field;
    }
  }

  @Override
  public String toString() {
    return "FieldSet[" + type.getFullName() + "]";
  }
}
