package dev.bowline.kernel.pilot.config;

import dev.bowline.kernel.pilot.config.ApplyOutcome.Action;
import dev.bowline.kernel.pilot.config.ConfigChecker.Checked;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pilot's store of accepted Istio resources, with {@code kubectl apply} semantics: each valid
 * document creates or updates its resource (or leaves it unchanged), each invalid one is rejected
 * with its errors and changes nothing, and warnings are returned either way.
 *
 * <p>Every resource belongs to the source that created it: {@code api} (applied through the
 * API; persisted under {@code <dataDir>/config/} and read back by {@link #load()}, so it survives
 * a restart), {@code file:<path>} (a file of the watched config directory; not persisted, the
 * file is the record) or another config source's name. A source cannot overwrite or delete
 * another's resource.
 *
 * <p>Every change that alters something advances the revision and publishes a new {@link
 * ConfigSnapshot}; listeners are then called outside the store's lock, one at a time, always with
 * the newest snapshot (changes made in quick succession may reach them as one).
 *
 * <p>Thread-safe: changes are serialized by a monitor (the store is not on the request path);
 * {@link #snapshot()} never blocks.
 */
public final class ConfigStore {

  /** The source of resources applied through the API; the only persisted one. */
  public static final String API_SOURCE = "api";

  /** The prefix of the source of resources read from a config file. */
  public static final String FILE_SOURCE_PREFIX = "file:";

  private static final Logger LOG = LoggerFactory.getLogger(ConfigStore.class);

  /** One source's full text, for {@link #replaceSources}. */
  record SourceText(String source, String documentName, String text) {
    SourceText {
      Objects.requireNonNull(source, "source");
      Objects.requireNonNull(documentName, "documentName");
      Objects.requireNonNull(text, "text");
    }
  }

  private final MeshSettings mesh;
  private final Optional<PersistedResources> persistence;
  private final Object lock = new Object();
  private final Map<ConfigKey, ConfigResource<?>> resources = new HashMap<>();
  private long revision;
  private volatile ConfigSnapshot snapshot = ConfigSnapshot.EMPTY;
  private final List<Consumer<ConfigSnapshot>> listeners = new CopyOnWriteArrayList<>();
  private final Object notifyLock = new Object();
  private long notifiedRevision;

  /**
   * A store for {@code mesh}; with a {@code dataDir}, API-applied resources are persisted under
   * {@code dataDir/config/}.
   */
  public ConfigStore(MeshSettings mesh, Optional<Path> dataDir) {
    this.mesh = Objects.requireNonNull(mesh, "mesh");
    this.persistence = dataDir.map(d -> new PersistedResources(d.resolve("config")));
  }

  /** The mesh settings this store was made for. */
  public MeshSettings mesh() {
    return mesh;
  }

  /**
   * Reads back the API-applied resources persisted under {@code dataDir/config/}. A persisted
   * file that no longer passes validation, or whose resource another source now owns, is logged
   * and left in place (never deleted). Does nothing without a data directory.
   *
   * @throws UncheckedIOException the directory cannot be listed
   */
  public void load() {
    if (persistence.isEmpty()) {
      return;
    }
    List<Path> files;
    try {
      files = persistence.get().files();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + persistence.get().root(), e);
    }
    List<Checked> loaded = new ArrayList<>();
    for (Path file : files) {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        LOG.error("Persisted config {} cannot be read and is not loaded: {}", file, e.toString());
        continue;
      }
      ConfigChecker.Result result = ConfigChecker.check(file.toString(), text);
      if (result.syntaxError().isPresent()) {
        LOG.error("Persisted config {} is not loaded: {}", file, result.syntaxError().get());
        continue;
      }
      for (Checked c : result.documents()) {
        if (c.valid()) {
          loaded.add(c);
        } else {
          LOG.error("Persisted config {} is not loaded: {}", file, String.join("; ",
              outcome(c, Action.REJECTED, c.errors()).errorMessages()));
        }
      }
    }
    boolean changed;
    synchronized (lock) {
      long next = revision + 1;
      changed = false;
      for (Checked c : loaded) {
        ConfigResource<?> existing = resources.get(c.key());
        if (existing != null && !existing.source().equals(API_SOURCE)) {
          LOG.error("Persisted config for {} is not loaded: {} owns it now", c.key(), existing.source());
        } else if (existing == null || !same(existing, c)) {
          resources.put(c.key(), resource(c, next, API_SOURCE));
          changed = true;
        }
      }
      if (changed) {
        publish(next);
      }
    }
    LOG.info("Loaded {} persisted resource(s) from {}", loaded.size(), persistence.get().root());
    if (changed) {
      notifyListeners();
    }
  }

  /**
   * Applies every document of {@code text}, in order, with {@code kubectl apply} semantics.
   *
   * @param documentName how messages name the text, such as the file name given to the CLI
   * @param source {@code api} (persisted), {@code file:<path>} or another config source's name
   * @return one outcome per document (a single REJECTED one when the text is not valid YAML)
   */
  public List<ApplyOutcome> apply(String documentName, String text, String source) {
    checkSource(source);
    return applyDocuments(documentName, text, source, false);
  }

  /**
   * Runs every check of {@link #apply} with source {@code api} and reports what it would do,
   * changing nothing (a dry run).
   */
  public List<ApplyOutcome> validate(String documentName, String text) {
    return applyDocuments(documentName, text, API_SOURCE, true);
  }

  /**
   * Deletes an API-applied resource and its persisted file.
   *
   * @return the deleted resource, or empty when there was none
   * @throws ConfigOwnershipException the resource belongs to another source (a config file)
   * @throws UncheckedIOException the persisted file cannot be deleted; the resource is kept
   */
  public Optional<ConfigResource<?>> delete(ConfigKey key) {
    ConfigResource<?> removed;
    synchronized (lock) {
      removed = resources.get(key);
      if (removed == null) {
        return Optional.empty();
      }
      if (!removed.source().equals(API_SOURCE)) {
        throw new ConfigOwnershipException(key, removed.source(), subject(key) + ": "
            + ownerMessage(removed.source(), API_SOURCE));
      }
      if (persistence.isPresent()) {
        try {
          persistence.get().delete(key);
          persistence.get().pruneEmptyDirectories();
        } catch (IOException e) {
          throw new UncheckedIOException(subject(key) + ": its persisted file cannot be deleted", e);
        }
      }
      resources.remove(key);
      publish(revision + 1);
    }
    notifyListeners();
    return Optional.of(removed);
  }

  /** Every accepted resource at the current revision. Never blocks. */
  public ConfigSnapshot snapshot() {
    return snapshot;
  }

  /**
   * Calls {@code listener} after every change that altered something, outside the store's lock,
   * with the newest snapshot. Listeners run one at a time on the changing thread; one that
   * throws is logged and does not stop the others.
   */
  public void addListener(Consumer<ConfigSnapshot> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /**
   * Replaces, in one step, all the resources of each changed source with those its new text
   * defines, and removes all the resources of each removed source. A source whose text has any
   * invalid document, or defines a resource another source owns, is rejected as a whole and keeps
   * the resources it had. The config directory watcher's entry point.
   *
   * @return per changed source, one outcome per document; the source was accepted when none is
   *     REJECTED
   */
  Map<String, List<ApplyOutcome>> replaceSources(List<SourceText> changed, Set<String> removed) {
    Map<String, SourceText> texts = new LinkedHashMap<>();
    Map<String, ConfigChecker.Result> checked = new LinkedHashMap<>();
    for (SourceText t : changed) {
      checkSource(t.source());
      texts.put(t.source(), t);
      checked.put(t.source(), ConfigChecker.check(t.documentName(), t.text()));
    }
    Map<String, List<ApplyOutcome>> results = new LinkedHashMap<>();
    boolean altered;
    synchronized (lock) {
      long next = revision + 1;
      Map<ConfigKey, ConfigResource<?>> working = new HashMap<>(resources);
      for (String source : removed) {
        if (!texts.containsKey(source)) {
          working.values().removeIf(r -> r.source().equals(source));
        }
      }
      List<String> pending = new ArrayList<>();
      for (Map.Entry<String, ConfigChecker.Result> e : checked.entrySet()) {
        Optional<List<ApplyOutcome>> rejected = rejectInvalid(texts.get(e.getKey()), e.getValue());
        if (rejected.isPresent()) {
          results.put(e.getKey(), rejected.get());
        } else {
          pending.add(e.getKey());
        }
      }
      boolean progress = true;
      while (progress && !pending.isEmpty()) {
        progress = false;
        for (Iterator<String> it = pending.iterator(); it.hasNext(); ) {
          String source = it.next();
          List<Checked> docs = checked.get(source).documents();
          if (docs.stream().noneMatch(c -> ownedByOther(working.get(c.key()), source))) {
            results.put(source, install(source, docs, working, next));
            it.remove();
            progress = true;
          }
        }
      }
      for (String source : pending) {
        results.put(source, rejectConflicts(texts.get(source), checked.get(source).documents(), working));
      }
      altered = !working.equals(resources);
      if (altered) {
        resources.clear();
        resources.putAll(working);
        publish(next);
      }
    }
    if (altered) {
      notifyListeners();
    }
    Map<String, List<ApplyOutcome>> ordered = new LinkedHashMap<>();
    for (String source : texts.keySet()) {
      ordered.put(source, results.get(source));
    }
    return ordered;
  }

  private List<ApplyOutcome> applyDocuments(String documentName, String text, String source, boolean dryRun) {
    ConfigChecker.Result result = ConfigChecker.check(documentName, text);
    if (result.syntaxError().isPresent()) {
      return List.of(new ApplyOutcome(null, null, null, Action.REJECTED,
          List.of(result.syntaxError().get()), List.of(), documentName));
    }
    List<ApplyOutcome> outcomes = new ArrayList<>();
    boolean altered = false;
    synchronized (lock) {
      long next = revision + 1;
      Map<ConfigKey, ConfigResource<?>> working = new HashMap<>(resources);
      for (Checked c : result.documents()) {
        if (!c.valid()) {
          outcomes.add(outcome(c, Action.REJECTED, c.errors()));
          continue;
        }
        ConfigResource<?> existing = working.get(c.key());
        if (ownedByOther(existing, source)) {
          outcomes.add(outcome(c, Action.REJECTED, List.of(new Problem("", ownerMessage(existing.source(), source)))));
        } else if (existing != null && same(existing, c)) {
          outcomes.add(outcome(c, Action.UNCHANGED, List.of()));
        } else {
          ConfigResource<?> r = resource(c, next, source);
          if (!dryRun && source.equals(API_SOURCE) && persistence.isPresent()) {
            try {
              persistence.get().write(r.key(), ConfigDocuments.toYaml(r));
            } catch (IOException e) {
              LOG.error("Cannot persist {}", subject(r.key()), e);
              outcomes.add(outcome(c, Action.REJECTED, List.of(new Problem("", "cannot be persisted: " + e))));
              continue;
            }
          }
          working.put(c.key(), r);
          outcomes.add(outcome(c, existing == null ? Action.CREATED : Action.CONFIGURED, List.of()));
        }
      }
      altered = !dryRun && !working.equals(resources);
      if (altered) {
        resources.clear();
        resources.putAll(working);
        publish(next);
      }
    }
    if (altered) {
      notifyListeners();
    }
    return outcomes;
  }

  private Optional<List<ApplyOutcome>> rejectInvalid(SourceText text, ConfigChecker.Result result) {
    if (result.syntaxError().isPresent()) {
      return Optional.of(List.of(new ApplyOutcome(null, null, null, Action.REJECTED,
          List.of(result.syntaxError().get()), List.of(), text.documentName())));
    }
    Map<ConfigKey, Checked> seen = new HashMap<>();
    Map<Checked, Problem> duplicates = new HashMap<>();
    for (Checked c : result.documents()) {
      if (c.key() != null) {
        Checked first = seen.putIfAbsent(c.key(), c);
        if (first != null) {
          duplicates.put(c, new Problem("", "defined twice in " + text.documentName()
              + " (also " + first.read().document() + ")"));
        }
      }
    }
    boolean invalid = !duplicates.isEmpty() || result.documents().stream().anyMatch(c -> !c.valid());
    if (!invalid) {
      return Optional.empty();
    }
    List<ApplyOutcome> out = new ArrayList<>();
    for (Checked c : result.documents()) {
      List<Problem> errors = new ArrayList<>(c.errors());
      if (duplicates.containsKey(c)) {
        errors.add(duplicates.get(c));
      }
      if (errors.isEmpty()) {
        errors.add(new Problem("", "not applied: " + text.documentName()
            + " has invalid documents, and a file is applied whole or not at all"));
      }
      out.add(outcome(c, Action.REJECTED, errors));
    }
    return Optional.of(out);
  }

  private List<ApplyOutcome> install(
      String source, List<Checked> docs, Map<ConfigKey, ConfigResource<?>> working, long next) {
    Map<ConfigKey, ConfigResource<?>> previous = new HashMap<>();
    working.values().removeIf(r -> {
      if (r.source().equals(source)) {
        previous.put(r.key(), r);
        return true;
      }
      return false;
    });
    List<ApplyOutcome> out = new ArrayList<>();
    for (Checked c : docs) {
      ConfigResource<?> old = previous.get(c.key());
      if (old != null && same(old, c)) {
        working.put(c.key(), old);
        out.add(outcome(c, Action.UNCHANGED, List.of()));
      } else {
        working.put(c.key(), resource(c, next, source));
        out.add(outcome(c, resources.containsKey(c.key()) ? Action.CONFIGURED : Action.CREATED, List.of()));
      }
    }
    return out;
  }

  private List<ApplyOutcome> rejectConflicts(
      SourceText text, List<Checked> docs, Map<ConfigKey, ConfigResource<?>> working) {
    List<ApplyOutcome> out = new ArrayList<>();
    for (Checked c : docs) {
      ConfigResource<?> owner = working.get(c.key());
      Problem p = ownedByOther(owner, text.source())
          ? new Problem("", ownerMessage(owner.source(), text.source()))
          : new Problem("", "not applied: another document of " + text.documentName()
              + " defines a resource another source owns, and a file is applied whole or not at all");
      out.add(outcome(c, Action.REJECTED, List.of(p)));
    }
    return out;
  }

  private void publish(long newRevision) {
    revision = newRevision;
    snapshot = new ConfigSnapshot(newRevision, resources);
  }

  private void notifyListeners() {
    synchronized (notifyLock) {
      ConfigSnapshot s = snapshot;
      if (s.revision() <= notifiedRevision) {
        return;
      }
      notifiedRevision = s.revision();
      for (Consumer<ConfigSnapshot> l : listeners) {
        try {
          l.accept(s);
        } catch (RuntimeException e) {
          LOG.warn("Config listener {} failed on revision {}", l, s.revision(), e);
        }
      }
    }
  }

  private static boolean ownedByOther(ConfigResource<?> existing, String source) {
    return existing != null && !existing.source().equals(source);
  }

  private static boolean same(ConfigResource<?> existing, Checked c) {
    return existing.rawSpec().equals(c.read().rawSpec()) && existing.labels().equals(c.read().labels())
        && existing.annotations().equals(c.read().annotations());
  }

  private static ConfigResource<?> resource(Checked c, long revision, String source) {
    ReadDocument d = c.read();
    return new ConfigResource<>(d.key(), d.apiVersion(), d.labels(), d.annotations(), d.spec(),
        d.rawSpec(), revision, source);
  }

  private static ApplyOutcome outcome(Checked c, Action action, List<Problem> errors) {
    ReadDocument d = c.read();
    return new ApplyOutcome(d.key(), d.kind(), d.name(), action, errors, c.warnings(), d.document());
  }

  private static String ownerMessage(String owner, String source) {
    String by = owner.equals(API_SOURCE)
        ? "was applied through the API; delete it there first"
        : owner.startsWith(FILE_SOURCE_PREFIX)
            ? "is defined in " + owner.substring(FILE_SOURCE_PREFIX.length()) + "; change or remove it there"
            : "is owned by " + owner;
    return "cannot be changed from " + describeSource(source) + ": it " + by;
  }

  private static String describeSource(String source) {
    if (source.equals(API_SOURCE)) {
      return "the API";
    }
    return source.startsWith(FILE_SOURCE_PREFIX) ? source.substring(FILE_SOURCE_PREFIX.length()) : source;
  }

  private static String subject(ConfigKey key) {
    return key.kind().kind() + " " + key.namespace() + "/" + key.name();
  }

  private static void checkSource(String source) {
    if (source == null || source.isBlank()) {
      throw new IllegalArgumentException("a config source is required, such as \"api\" or \"file:<path>\"");
    }
  }
}
