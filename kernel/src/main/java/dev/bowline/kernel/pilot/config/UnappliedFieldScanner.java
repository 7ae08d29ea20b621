package dev.bowline.kernel.pilot.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds the fields of a typed spec that Bowline accepts but does not apply: by the convention of
 * {@code kernel.pilot.istio}, every record component typed {@link JsonNode}. Each one that is set
 * becomes the warning "not applied by Bowline yet (accepted and stored)" at its field path, so an
 * unsupported field is never silently ignored. Stateless.
 */
final class UnappliedFieldScanner {

  private UnappliedFieldScanner() {}

  /** Whether an unapplied ({@code JsonNode}) field is set: present and not null. */
  static boolean isSet(JsonNode node) {
    return node != null && !node.isNull() && !node.isMissingNode();
  }

  /** Warns about every set {@code JsonNode} field reachable from {@code spec}, at {@code path}. */
  static void scan(Object spec, String path, Validation v) {
    if (spec == null) {
      return;
    }
    if (spec instanceof JsonNode node) {
      if (isSet(node)) {
        v.notApplied(path);
      }
      return;
    }
    if (spec instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        scan(list.get(i), FieldPaths.index(path, i), v);
      }
      return;
    }
    if (spec instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : new TreeMap<>(map).entrySet()) {
        scan(e.getValue(), FieldPaths.key(path, String.valueOf(e.getKey())), v);
      }
      return;
    }
    Class<?> type = spec.getClass();
    if (!type.isRecord()) {
      return;
    }
    for (RecordComponent c : type.getRecordComponents()) {
      scan(read(c, spec), FieldPaths.field(path, c.getName()), v);
    }
  }

  private static Object read(RecordComponent c, Object record) {
    try {
      return c.getAccessor().invoke(record);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + c + " of " + record.getClass().getName(), e);
    }
  }
}
