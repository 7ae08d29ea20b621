package dev.bowline.kernel.api;

import dev.bowline.kernel.pilot.config.ApplyOutcome;
import dev.bowline.kernel.pilot.config.ConfigAnalyzer;
import dev.bowline.kernel.pilot.config.ConfigDocuments;
import dev.bowline.kernel.pilot.config.ConfigKey;
import dev.bowline.kernel.pilot.config.ConfigKind;
import dev.bowline.kernel.pilot.config.ConfigOwnershipException;
import dev.bowline.kernel.pilot.config.ConfigResource;
import dev.bowline.kernel.pilot.config.ConfigStore;
import dev.bowline.kernel.pilot.config.Finding;
import dev.bowline.kernel.pilot.config.Problem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The config endpoints bowlinectl uses:
 *
 * <ul>
 *   <li>{@code POST /api/v1/apply[?dryRun=true]}: YAML or JSON documents in the body, the source's
 *       name in {@code X-Bowline-Source-Name}; answers one outcome per document.
 *   <li>{@code GET /api/v1/resources/<kind>[?namespace=NS]}: the stored resources of a kind.
 *   <li>{@code GET|DELETE /api/v1/resources/<kind>/<namespace>/<name>}.
 *   <li>{@code POST /api/v1/analyze}: the stored config plus the body's documents, validated and
 *       cross-checked, as findings.
 * </ul>
 */
final class ConfigRoute implements ApiRoute {

  private static final String RESOURCES = "/api/v1/resources/";

  private final ConfigStore store;
  private final Predicate<String> serviceExists;

  ConfigRoute(ConfigStore store, Predicate<String> serviceExists) {
    this.store = store;
    this.serviceExists = serviceExists;
  }

  @Override
  public boolean handle(ApiExchange ex) throws IOException {
    String path = ex.path();
    if (path.equals("/api/v1/apply")) {
      if (!ex.method().equals("POST")) {
        ex.error(405, "use POST");
        return true;
      }
      apply(ex);
      return true;
    }
    if (path.equals("/api/v1/analyze")) {
      analyze(ex);
      return true;
    }
    if (!path.startsWith(RESOURCES)) {
      return false;
    }
    String[] parts = path.substring(RESOURCES.length()).split("/", -1);
    Optional<ConfigKind> kind = ConfigKind.parse(parts[0]);
    if (kind.isEmpty()) {
      ex.error(404, "unknown kind '" + parts[0] + "': use one of " + kinds());
      return true;
    }
    if (parts.length == 1) {
      list(ex, kind.get());
    } else if (parts.length == 3) {
      one(ex, new ConfigKey(kind.get(), parts[1], parts[2]));
    } else {
      ex.error(404, "expected " + RESOURCES + "<kind>[/<namespace>/<name>]");
    }
    return true;
  }

  private void apply(ApiExchange ex) throws IOException {
    String body = ex.body();
    if (body == null) {
      ex.error(413, "the documents are larger than " + ApiExchange.MAX_BODY_BYTES + " bytes");
      return;
    }
    String name = ex.header("X-Bowline-Source-Name", "request body");
    boolean dryRun = Boolean.parseBoolean(ex.query("dryRun", "false"));
    List<ApplyOutcome> outcomes =
        dryRun ? store.validate(name, body) : store.apply(name, body, ConfigStore.API_SOURCE);
    List<Map<String, Object>> out = new ArrayList<>();
    for (ApplyOutcome o : outcomes) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", o.key() != null ? o.key().kind().kind() : o.kind());
      m.put("namespace", o.key() != null ? o.key().namespace() : null);
      m.put("name", o.key() != null ? o.key().name() : o.name());
      m.put("action", o.action().name());
      m.put("document", o.document());
      m.put("errors", o.errors().stream().map(Problem::toString).toList());
      m.put("warnings", o.warnings().stream().map(Problem::toString).toList());
      out.add(m);
    }
    ex.json(200, Map.of("outcomes", out));
  }

  private void list(ApiExchange ex, ConfigKind kind) throws IOException {
    if (!ex.method().equals("GET")) {
      ex.error(405, "use GET, or DELETE on " + RESOURCES + "<kind>/<namespace>/<name>");
      return;
    }
    String namespace = ex.query("namespace", null);
    List<Object> items = new ArrayList<>();
    for (ConfigResource<?> r : store.snapshot().all().values()) {
      if (r.key().kind() == kind && (namespace == null || r.namespace().equals(namespace))) {
        items.add(ConfigDocuments.toTree(r));
      }
    }
    ex.json(200, Map.of("items", items));
  }

  private void one(ApiExchange ex, ConfigKey key) throws IOException {
    switch (ex.method()) {
      case "GET" -> {
        Optional<ConfigResource<?>> r = store.snapshot().get(key);
        if (r.isPresent()) {
          ex.json(200, ConfigDocuments.toTree(r.get()));
        } else {
          ex.error(404, key.kind().kind() + " " + key.namespace() + "/" + key.name() + " not found");
        }
      }
      case "DELETE" -> {
        try {
          if (store.delete(key).isPresent()) {
            ex.json(200, Map.of("deleted", key.toString()));
          } else {
            ex.error(404, key.kind().kind() + " " + key.namespace() + "/" + key.name() + " not found");
          }
        } catch (ConfigOwnershipException e) {
          ex.error(409, e.getMessage());
        }
      }
      default -> ex.error(405, "use GET or DELETE");
    }
  }

  private void analyze(ApiExchange ex) throws IOException {
    if (!ex.method().equals("POST") && !ex.method().equals("GET")) {
      ex.error(405, "use POST (documents to add in the body) or GET");
      return;
    }
    String body = ex.method().equals("POST") ? ex.body() : "";
    if (body == null) {
      ex.error(413, "the documents are larger than " + ApiExchange.MAX_BODY_BYTES + " bytes");
      return;
    }
    List<Map<String, Object>> findings = new ArrayList<>();
    // Analyze the stored config with the given documents applied on top, in a throwaway store.
    ConfigStore candidate = new ConfigStore(store.mesh(), Optional.empty());
    candidate.apply("stored config", ConfigDocuments.toYaml(store.snapshot().all().values()),
        ConfigStore.API_SOURCE);
    if (!body.isBlank()) {
      for (ApplyOutcome o : candidate.apply(ex.header("X-Bowline-Source-Name", "files"), body,
          ConfigStore.API_SOURCE)) {
        for (Problem p : o.errors()) {
          findings.add(finding("ERROR", o.subject(), p.path(), p.message()));
        }
        for (Problem p : o.warnings()) {
          findings.add(finding("WARNING", o.subject(), p.path(), p.message()));
        }
      }
    }
    for (Finding f : new ConfigAnalyzer().analyze(candidate.snapshot(), serviceExists, store.mesh())) {
      findings.add(finding(f.severity().name(),
          f.key().kind().kind() + " " + f.key().namespace() + "/" + f.key().name(), f.path(), f.message()));
    }
    ex.json(200, Map.of("findings", findings));
  }

  private static Map<String, Object> finding(String severity, String resource, String path, String message) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("severity", severity);
    m.put("resource", resource);
    m.put("path", path);
    m.put("message", message);
    return m;
  }

  private static String kinds() {
    List<String> names = new ArrayList<>();
    for (ConfigKind k : ConfigKind.values()) {
      names.add(k.kind());
    }
    return String.join(", ", names);
  }
}
