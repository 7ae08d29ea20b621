package dev.bowline.kernel.pilot.config;

import static dev.bowline.kernel.pilot.config.FieldPaths.field;
import static dev.bowline.kernel.pilot.config.FieldPaths.index;
import static dev.bowline.kernel.pilot.config.FieldPaths.key;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.bowline.kernel.pilot.istio.HealthCheckAnnotation;
import dev.bowline.kernel.pilot.istio.LocalRateLimitAnnotation;
import dev.bowline.kernel.pilot.istio.LocalRateLimitAnnotation.Bucket;
import dev.bowline.kernel.pilot.istio.VirtualService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Bowline's first-class extensions to Istio's resources, carried in annotations that Istio's own
 * tools ignore: {@value #HEALTH_CHECK} on a DestinationRule ({@link HealthCheckAnnotation}) and
 * {@value #LOCAL_RATE_LIMIT} on a VirtualService ({@link LocalRateLimitAnnotation}). The value is
 * YAML or JSON, bound as strictly as a spec (unknown fields and loose types are errors). Any other
 * {@code bowline.dev/} annotation is an error; annotations of other prefixes are kept and ignored.
 *
 * <p>The validator rejects a bad value at apply time, naming the resource, the annotation and the
 * field ({@code metadata.annotations["bowline.dev/health-check"].http.path: required}); the
 * translator reads accepted values with {@link #healthCheck} and {@link #localRateLimit}.
 * Stateless and thread-safe.
 */
public final class BowlineAnnotations {

  /** The prefix of Bowline's annotations. */
  public static final String PREFIX = "bowline.dev/";

  /** The DestinationRule annotation of an active health check. */
  public static final String HEALTH_CHECK = "bowline.dev/health-check";

  /** The VirtualService annotation of a local rate limit. */
  public static final String LOCAL_RATE_LIMIT = "bowline.dev/local-rate-limit";

  /** Envoy's smallest fill interval of a local rate limit token bucket. */
  static final Duration MIN_FILL_INTERVAL = Duration.ofMillis(50);

  private static final ObjectMapper YAML =
      YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY).build();
  private static final Pattern HEADER_NAME = Pattern.compile("[-_A-Za-z0-9]+");

  private BowlineAnnotations() {}

  /** The accepted health check of a DestinationRule's annotations; empty when none or invalid. */
  public static Optional<HealthCheckAnnotation> healthCheck(Map<String, String> annotations) {
    String text = annotations.get(HEALTH_CHECK);
    return text == null
        ? Optional.empty()
        : Optional.ofNullable(bind(text, HEALTH_CHECK, HealthCheckAnnotation.class, new ArrayList<>()));
  }

  /** The accepted local rate limit of a VirtualService's annotations; empty when none or invalid. */
  public static Optional<LocalRateLimitAnnotation> localRateLimit(Map<String, String> annotations) {
    String text = annotations.get(LOCAL_RATE_LIMIT);
    return text == null
        ? Optional.empty()
        : Optional.ofNullable(
            bind(text, LOCAL_RATE_LIMIT, LocalRateLimitAnnotation.class, new ArrayList<>()));
  }

  /** Checks the {@code bowline.dev/} annotations of a document of {@code kind} with {@code spec}. */
  static void validate(ConfigKind kind, Map<String, String> annotations, Object spec, Validation v) {
    for (Map.Entry<String, String> e : new TreeMap<>(annotations).entrySet()) {
      String name = e.getKey();
      if (!name.startsWith(PREFIX)) {
        continue;
      }
      String path = key("metadata.annotations", name);
      if (name.equals(HEALTH_CHECK)) {
        if (kind != ConfigKind.DESTINATION_RULE) {
          v.error(path, "applies to a DestinationRule, not a " + kind.kind());
          continue;
        }
        HealthCheckAnnotation hc = bind(e.getValue(), path, HealthCheckAnnotation.class, v);
        if (hc != null) {
          healthCheck(hc, path, v);
        }
      } else if (name.equals(LOCAL_RATE_LIMIT)) {
        if (kind != ConfigKind.VIRTUAL_SERVICE) {
          v.error(path, "applies to a VirtualService, not a " + kind.kind());
          continue;
        }
        LocalRateLimitAnnotation rl = bind(e.getValue(), path, LocalRateLimitAnnotation.class, v);
        if (rl != null) {
          localRateLimit(rl, (VirtualService) spec, path, v);
        }
      } else {
        v.error(path, "unknown Bowline annotation (known: " + HEALTH_CHECK + ", " + LOCAL_RATE_LIMIT + ")");
      }
    }
  }

  private static void healthCheck(HealthCheckAnnotation hc, String path, Validation v) {
    List<String> kinds = new ArrayList<>();
    if (hc.http() != null) {
      kinds.add("http");
    }
    if (hc.tcp() != null) {
      kinds.add("tcp");
    }
    if (hc.grpc() != null) {
      kinds.add("grpc");
    }
    if (kinds.isEmpty()) {
      v.error(path, "one of http, tcp or grpc is required");
    } else if (kinds.size() > 1) {
      v.error(path, "only one of http, tcp or grpc may be set, found " + String.join(" and ", kinds));
    }
    if (hc.http() != null) {
      String at = field(path, "http");
      String p = hc.http().path();
      if (p == null || p.isEmpty()) {
        v.error(field(at, "path"), "required");
      } else if (!p.startsWith("/")) {
        v.error(field(at, "path"), "must start with /, found \"" + p + "\"");
      }
      List<Integer> statuses = hc.http().expectedStatuses();
      for (int i = 0; i < statuses.size(); i++) {
        Integer s = statuses.get(i);
        if (s == null || s < 100 || s > 599) {
          v.error(index(field(at, "expectedStatuses"), i), "must be an HTTP status from 100 to 599, found " + s);
        }
      }
    }
    IstioDuration.check(hc.interval(), field(path, "interval"), v);
    IstioDuration.check(hc.timeout(), field(path, "timeout"), v);
    positive(hc.healthyThreshold(), field(path, "healthyThreshold"), v);
    positive(hc.unhealthyThreshold(), field(path, "unhealthyThreshold"), v);
  }

  private static void localRateLimit(
      LocalRateLimitAnnotation rl, VirtualService vs, String path, Validation v) {
    Bucket top = rl.bucket();
    if (top != null) {
      bucket(top, path, v);
    } else if (rl.routes().isEmpty()) {
      v.error(path, "set tokens and fillInterval, or buckets per route in routes");
    }
    Set<String> names = new HashSet<>();
    if (vs != null) {
      for (VirtualService.HttpRoute r : vs.http()) {
        if (r.name() != null) {
          names.add(r.name());
        }
      }
    }
    for (Map.Entry<String, Bucket> e : new TreeMap<>(rl.routes()).entrySet()) {
      String at = key(field(path, "routes"), e.getKey());
      if (!names.contains(e.getKey())) {
        v.error(at, "no HTTP rule of this VirtualService is named \"" + e.getKey() + "\" (spec.http[].name)");
      }
      if (e.getValue() == null) {
        v.error(at, "expected a mapping with tokens and fillInterval, found null");
      } else {
        bucket(e.getValue(), at, v);
      }
    }
  }

  private static void bucket(Bucket b, String path, Validation v) {
    if (b.tokens() == null) {
      v.error(field(path, "tokens"), "required");
    } else {
      positive(b.tokens(), field(path, "tokens"), v);
    }
    if (b.fillInterval() == null) {
      v.error(field(path, "fillInterval"), "required");
    } else {
      Optional<Duration> d = IstioDuration.parse(b.fillInterval());
      if (d.isPresent() && d.get().compareTo(MIN_FILL_INTERVAL) < 0) {
        v.error(field(path, "fillInterval"), "must be at least 50ms, found " + b.fillInterval());
      } else {
        IstioDuration.check(b.fillInterval(), field(path, "fillInterval"), v);
      }
    }
    positive(b.tokensPerFill(), field(path, "tokensPerFill"), v);
    LocalRateLimitAnnotation.PerClient pc = b.perClient();
    if (pc != null) {
      String at = field(path, "perClient");
      boolean byHeader = pc.header() != null;
      boolean byIp = Boolean.TRUE.equals(pc.sourceIp());
      if (byHeader == byIp) {
        v.error(at, "set exactly one of header or sourceIp: true");
      }
      if (byHeader && !HEADER_NAME.matcher(pc.header()).matches()) {
        v.error(field(at, "header"), "\"" + pc.header() + "\" is not a valid header name (letters, digits, '-' and '_')");
      }
    }
  }

  private static void positive(Integer value, String path, Validation v) {
    if (value != null && value < 1) {
      v.error(path, "must be at least 1, found " + value);
    }
  }

  private static <T> T bind(String text, String path, Class<T> type, Validation v) {
    List<Problem> problems = new ArrayList<>();
    T bound = bind(text, path, type, problems);
    for (Problem p : problems) {
      v.error(p.path(), p.message());
    }
    return bound;
  }

  /** Binds the annotation value {@code text}; problems get paths under {@code path}. */
  private static <T> T bind(String text, String path, Class<T> type, List<Problem> problems) {
    JsonNode tree;
    try {
      tree = YAML.readTree(text);
    } catch (JacksonException e) {
      String message = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
      problems.add(new Problem(path, "not valid YAML or JSON: " + message.lines().findFirst().orElse("")));
      return null;
    }
    if (tree == null || !tree.isObject()) {
      problems.add(new Problem(path, "expected a mapping, found " + SpecBinder.describe(tree)));
      return null;
    }
    List<Problem> raw = new ArrayList<>();
    Object bound = SpecBinder.bind((ObjectNode) tree, type, raw);
    for (Problem p : raw) {
      String rest = p.path().startsWith("spec") ? p.path().substring("spec".length()) : "." + p.path();
      problems.add(new Problem(path + rest, p.message()));
    }
    return raw.isEmpty() ? type.cast(bound) : null;
  }
}
