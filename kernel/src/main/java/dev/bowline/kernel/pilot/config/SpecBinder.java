package dev.bowline.kernel.pilot.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Binds a spec tree to its Java type strictly: unknown fields and loose coercions (a number
 * where a string belongs, {@code "50"} or {@code 50.5} where a whole number belongs) are errors,
 * each named by its full field path ({@code spec.http[0].route[0].destination.hots: unknown
 * field}). Every unknown field is reported, not only the first. Stateless and thread-safe.
 */
final class SpecBinder {

  private static final int MAX_UNKNOWN_FIELDS = 50;
  private static final JsonMapper MAPPER = strictMapper();

  private SpecBinder() {}

  private static JsonMapper strictMapper() {
    JsonMapper m = JsonMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .build();
    m.coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    return m;
  }

  /**
   * Binds {@code spec} to {@code type}; on failure adds the problems, with paths under {@code
   * spec}, to {@code errors} and returns null.
   */
  static Object bind(ObjectNode spec, Class<?> type, List<Problem> errors) {
    if (type == JsonNode.class) {
      return spec.deepCopy();
    }
    ObjectNode work = spec.deepCopy();
    int before = errors.size();
    for (int attempt = 0; attempt < MAX_UNKNOWN_FIELDS; attempt++) {
      try {
        Object bound = MAPPER.treeToValue(work, type);
        return errors.size() == before ? bound : null;
      } catch (UnrecognizedPropertyException e) {
        errors.add(new Problem(path(e), unknownField(e)));
        if (!remove(work, e.getPath())) {
          return null;
        }
      } catch (JsonMappingException e) {
        errors.add(new Problem(path(e), mismatch(e, spec)));
        return null;
      } catch (JsonProcessingException e) {
        errors.add(new Problem("spec", "cannot be read: " + e.getOriginalMessage()));
        return null;
      }
    }
    return null;
  }

  /** How a message names what was found: {@code a string ("abc")}, {@code a list}, ... */
  static String describe(JsonNode n) {
    if (n == null || n.isMissingNode()) {
      return "nothing";
    }
    if (n.isNull()) {
      return "null";
    }
    if (n.isTextual()) {
      String t = n.asText();
      return "a string (\"" + (t.length() > 40 ? t.substring(0, 40) + "..." : t) + "\")";
    }
    if (n.isBoolean()) {
      return "a boolean (" + n.asText() + ")";
    }
    if (n.isNumber()) {
      return "a number (" + n.asText() + ")";
    }
    if (n.isArray()) {
      return "a list";
    }
    return n.isObject() ? "a mapping" : n.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  private static String path(JsonMappingException e) {
    String path = "spec";
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        path = FieldPaths.key(path, r.getFieldName());
      } else if (r.getIndex() >= 0) {
        path = FieldPaths.index(path, r.getIndex());
      }
    }
    return path;
  }

  private static String unknownField(UnrecognizedPropertyException e) {
    String field = e.getPropertyName();
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    Collection<Object> known = e.getKnownPropertyIds() == null ? List.of() : e.getKnownPropertyIds();
    for (Object k : known) {
      String candidate = String.valueOf(k);
      int d = distance(field.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    if (best != null && bestDistance <= (field.length() <= 4 ? 1 : 2)) {
      return "unknown field (did you mean \"" + best + "\"?)";
    }
    return "unknown field";
  }

  private static String mismatch(JsonMappingException e, ObjectNode spec) {
    if (e instanceof ValueInstantiationException v && v.getCause() instanceof NullPointerException) {
      return "null is not allowed in a list or map here (write {} for an empty entry)";
    }
    if (e.getCause() instanceof InputCoercionException) {
      return "number out of range for a whole number (" + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE + ")";
    }
    if (e instanceof MismatchedInputException m) {
      JsonNode found = at(spec, e.getPath());
      String message = "expected " + describe(m.getTargetType()) + ", found " + describe(found);
      if (m.getTargetType() == String.class && found != null && (found.isNumber() || found.isBoolean())) {
        message += "; quote the value so YAML reads it as a string";
      }
      return message;
    }
    return "cannot be read: " + e.getOriginalMessage();
  }

  private static String describe(Class<?> t) {
    if (t == null) {
      return "another type";
    }
    if (t == int.class || t == Integer.class || t == long.class || t == Long.class || t == short.class) {
      return "a whole number";
    }
    if (t == double.class || t == Double.class || t == float.class || t == Float.class) {
      return "a number";
    }
    if (t == boolean.class || t == Boolean.class) {
      return "true or false";
    }
    if (CharSequence.class.isAssignableFrom(t)) {
      return "a string";
    }
    if (Collection.class.isAssignableFrom(t) || t.isArray()) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(t) || t.isRecord()) {
      return "a mapping";
    }
    return "a " + t.getSimpleName();
  }

  private static JsonNode at(JsonNode root, List<JsonMappingException.Reference> refs) {
    JsonNode n = root;
    for (JsonMappingException.Reference r : refs) {
      if (n == null) {
        return null;
      }
      if (r.getFieldName() != null) {
        n = n.get(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        n = n.get(r.getIndex());
      }
    }
    return n;
  }

  private static boolean remove(ObjectNode root, List<JsonMappingException.Reference> refs) {
    if (refs.isEmpty()) {
      return false;
    }
    JsonNode parent = at(root, refs.subList(0, refs.size() - 1));
    String field = refs.get(refs.size() - 1).getFieldName();
    if (parent instanceof ObjectNode o && field != null && o.has(field)) {
      o.remove(field);
      return true;
    }
    return false;
  }

  /** The optimal string alignment distance: edits, with a swap of neighbours counting as one. */
  private static int distance(String a, String b) {
    int[] before = new int[b.length() + 1];
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          cur[j] = Math.min(cur[j], before[j - 2] + 1);
        }
      }
      int[] t = before;
      before = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
