package dev.bowline.kernel.pilot.config;

import dev.bowline.kernel.pilot.config.ConfigStore.SourceText;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link ConfigStore} in step with a directory of Istio YAML: every {@code *.yaml}, {@code
 * *.yml} and {@code *.json} file under it (recursively; names starting with '.' are skipped, so
 * editors' swap files and the {@code ..data} directories of a Kubernetes ConfigMap mount are not
 * read twice) is a config source {@code file:<absolute path>}.
 *
 * <p>{@link #start()} loads every file, then one daemon thread watches the directory (a {@link
 * WatchService}, with a full rescan every few seconds as a fallback). A changed file replaces
 * exactly the resources that file contributed; a removed file removes them. A file with any
 * invalid document, or one defining a resource another source owns, is rejected as a whole and
 * keeps the resources it had: the errors are logged and kept in {@link #fileErrors()}, and the
 * file is tried again at each rescan (an ownership conflict may have cleared). A file is read only
 * once its size, modification time and identity are unchanged across two scans a settle delay
 * apart, so a file still being written is not read half-way.
 *
 * <p>Thread-safe: {@link #fileErrors()} may be called from any thread.
 */
public final class ConfigDirectoryWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigDirectoryWatcher.class);
  private static final Duration RESCAN_INTERVAL = Duration.ofSeconds(3);
  private static final Duration SETTLE_DELAY = Duration.ofMillis(100);
  private static final long MAX_FILE_BYTES = 8L << 20;
  private static final int MAX_DEPTH = 16;
  private static final int MAX_REMOVAL_DEFERRALS = 10;

  /** What identifies one version of a file without reading it. */
  private record Stamp(long size, FileTime modified, Object fileKey) {}

  private final Path dir;
  private final ConfigStore store;
  private final Duration rescanInterval;
  private final Duration settleDelay;
  private final Map<Path, List<String>> errors = new ConcurrentHashMap<>();

  // Confined to the thread that scans: start() before the watcher thread starts, then that thread.
  private final Map<Path, Stamp> applied = new HashMap<>();
  private final Map<Path, Stamp> pending = new HashMap<>();
  private final Map<WatchKey, Path> watched = new HashMap<>();
  private int removalDeferrals;

  private final Object lifecycle = new Object();
  private WatchService watchService;
  private Thread thread;
  private volatile boolean running;

  /** A watcher of {@code dir} feeding {@code store}; nothing happens before {@link #start()}. */
  public ConfigDirectoryWatcher(Path dir, ConfigStore store) {
    this(dir, store, RESCAN_INTERVAL, SETTLE_DELAY);
  }

  ConfigDirectoryWatcher(Path dir, ConfigStore store, Duration rescanInterval, Duration settleDelay) {
    this.dir = dir.toAbsolutePath().normalize();
    this.store = Objects.requireNonNull(store, "store");
    this.rescanInterval = rescanInterval;
    this.settleDelay = settleDelay;
  }

  /**
   * Loads every config file of the directory into the store, then starts watching it. A missing
   * directory is logged and picked up when it appears.
   *
   * @throws IllegalStateException when already started
   */
  public void start() {
    synchronized (lifecycle) {
      if (thread != null) {
        throw new IllegalStateException("already started");
      }
      try {
        watchService = dir.getFileSystem().newWatchService();
      } catch (IOException | UnsupportedOperationException e) {
        LOG.warn("Cannot watch {} ({}); rescanning it every {} s instead",
            dir, e.toString(), rescanInterval.toSeconds());
      }
      if (!Files.isDirectory(dir)) {
        LOG.warn("Config directory {} does not exist (yet); it is picked up when it appears", dir);
      }
      registerDirectories();
      scanSafely(true, false);
      running = true;
      thread = new Thread(this::run, "bowline-config-watcher");
      thread.setDaemon(true);
      thread.start();
    }
  }

  /** Stops watching; the resources already loaded stay in the store. Idempotent. */
  @Override
  public void close() {
    Thread t;
    synchronized (lifecycle) {
      running = false;
      t = thread;
      if (watchService != null) {
        try {
          watchService.close();
        } catch (IOException e) {
          LOG.debug("Closing the watch service of {}", dir, e);
        }
      }
    }
    if (t != null && t != Thread.currentThread()) {
      t.interrupt();
      try {
        t.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The watched directory, absolute. */
  public Path directory() {
    return dir;
  }

  /**
   * The files currently rejected, each with its error messages (such as {@code VirtualService
   * default/reviews: spec.hosts: at least one host is required}). A rejected file keeps the
   * resources it had before. An unmodifiable copy, ordered by path.
   */
  public Map<Path, List<String>> fileErrors() {
    return Collections.unmodifiableMap(new TreeMap<>(errors));
  }

  private void run() {
    long now = System.nanoTime();
    long periodicAt = now + rescanInterval.toNanos();
    long scanAt = periodicAt;
    while (running) {
      try {
        long waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(scanAt - System.nanoTime()));
        boolean events = waitForEvents(waitMillis);
        now = System.nanoTime();
        if (events) {
          scanAt = Math.min(now + settleDelay.toNanos(), periodicAt);
        }
        if (now - scanAt >= 0) {
          boolean periodic = now - periodicAt >= 0;
          if (periodic) {
            registerDirectories();
          }
          boolean followUp = scanSafely(false, periodic);
          if (periodic) {
            periodicAt = now + rescanInterval.toNanos();
          }
          scanAt = followUp ? now + settleDelay.toNanos() : periodicAt;
        }
      } catch (InterruptedException | ClosedWatchServiceException e) {
        if (running) {
          LOG.warn("Config watcher of {} interrupted; stopping", dir);
        }
        return;
      }
    }
  }

  /** Waits up to {@code millis} for watch events; handles them; whether there were any. */
  private boolean waitForEvents(long millis) throws InterruptedException {
    if (watchService == null) {
      Thread.sleep(millis);
      return false;
    }
    WatchKey key = watchService.poll(millis, TimeUnit.MILLISECONDS);
    boolean any = false;
    while (key != null) {
      any = true;
      Path parent = watched.get(key);
      for (WatchEvent<?> event : key.pollEvents()) {
        if (parent != null && event.kind() == StandardWatchEventKinds.ENTRY_CREATE
            && event.context() instanceof Path child) {
          Path created = parent.resolve(child);
          if (!hidden(created) && Files.isDirectory(created)) {
            registerTree(created, depthOf(created));
          }
        }
      }
      if (!key.reset()) {
        watched.remove(key);
      }
      key = watchService.poll();
    }
    return any;
  }

  private void registerDirectories() {
    if (watchService != null && Files.isDirectory(dir)) {
      registerTree(dir, 0);
    }
  }

  private void registerTree(Path start, int depth) {
    if (watchService == null || depth > MAX_DEPTH) {
      return;
    }
    if (!watched.containsValue(start)) {
      try {
        WatchKey key = start.register(watchService, StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);
        watched.put(key, start);
      } catch (IOException | ClosedWatchServiceException e) {
        LOG.debug("Cannot watch {}: {}", start, e.toString());
        return;
      }
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(start)) {
      for (Path p : entries) {
        if (!hidden(p) && Files.isDirectory(p)) {
          registerTree(p, depth + 1);
        }
      }
    } catch (IOException e) {
      LOG.debug("Cannot list {}: {}", start, e.toString());
    }
  }

  private int depthOf(Path p) {
    return p.startsWith(dir) ? dir.relativize(p).getNameCount() : MAX_DEPTH + 1;
  }

  private boolean scanSafely(boolean initial, boolean periodic) {
    try {
      return scan(initial, periodic);
    } catch (RuntimeException e) {
      LOG.error("Scanning config directory {} failed; retrying at the next scan", dir, e);
      return false;
    }
  }

  /** One scan; whether another should follow soon because some file is not stable yet. */
  private boolean scan(boolean initial, boolean periodic) {
    Map<Path, Stamp> current = new HashMap<>();
    if (Files.isDirectory(dir)) {
      try {
        list(dir, 0, current);
      } catch (IOException e) {
        LOG.warn("Cannot list config directory {}: {}", dir, e.toString());
        return false;
      }
    }
    boolean followUp = false;
    List<SourceText> changed = new ArrayList<>();
    Map<Path, Stamp> readStamps = new HashMap<>();
    Set<Path> retried = new HashSet<>();
    for (Map.Entry<Path, Stamp> e : new TreeMap<>(current).entrySet()) {
      Path path = e.getKey();
      Stamp stamp = e.getValue();
      boolean same = stamp.equals(applied.get(path));
      boolean retry = same && periodic && errors.containsKey(path);
      if (same && !retry) {
        pending.remove(path);
        continue;
      }
      if (!same && !initial && !stamp.equals(pending.get(path))) {
        pending.put(path, stamp);
        followUp = true;
        continue;
      }
      pending.remove(path);
      try {
        changed.add(new SourceText(source(path), path.toString(), read(path, stamp)));
        readStamps.put(path, stamp);
        if (retry) {
          retried.add(path);
        }
      } catch (IOException ex) {
        applied.put(path, stamp);
        reject(path, List.of(path + ": cannot be read: " + ex.getMessage()), !retry);
      }
    }
    pending.keySet().retainAll(current.keySet());
    Set<Path> gone = new LinkedHashSet<>(applied.keySet());
    gone.removeAll(current.keySet());
    if (!gone.isEmpty() && followUp && removalDeferrals < MAX_REMOVAL_DEFERRALS) {
      // A file may be moving (removed here, appearing elsewhere): remove it with the new one's arrival.
      removalDeferrals++;
      gone.clear();
    } else {
      removalDeferrals = 0;
    }
    if (changed.isEmpty() && gone.isEmpty()) {
      return followUp;
    }
    Set<String> goneSources = new LinkedHashSet<>();
    gone.forEach(p -> goneSources.add(source(p)));
    Map<String, List<ApplyOutcome>> results = store.replaceSources(changed, goneSources);
    for (Path p : gone) {
      applied.remove(p);
      errors.remove(p);
      LOG.info("Config file {} removed; the resources only it defined are deleted", p);
    }
    for (Map.Entry<Path, Stamp> e : new TreeMap<>(readStamps).entrySet()) {
      Path path = e.getKey();
      applied.put(path, e.getValue());
      List<ApplyOutcome> outcomes = results.getOrDefault(source(path), List.of());
      boolean fresh = !retried.contains(path);
      if (outcomes.stream().noneMatch(ApplyOutcome::rejected)) {
        accept(path, outcomes, fresh);
      } else {
        List<String> messages = new ArrayList<>();
        outcomes.forEach(o -> messages.addAll(o.errorMessages()));
        reject(path, messages, fresh);
      }
    }
    return followUp;
  }

  private void accept(Path path, List<ApplyOutcome> outcomes, boolean fresh) {
    if (errors.remove(path) != null) {
      LOG.info("Config file {} is accepted now", path);
    }
    for (ApplyOutcome o : outcomes) {
      if (o.action() != ApplyOutcome.Action.UNCHANGED) {
        LOG.info("Config file {}: {}", path, o.summary());
      }
      if (fresh) {
        o.warningMessages().forEach(w -> LOG.warn("Config file {}: {}", path, w));
      }
    }
  }

  private void reject(Path path, List<String> messages, boolean fresh) {
    List<String> previous = errors.put(path, List.copyOf(messages));
    if (fresh || !messages.equals(previous)) {
      LOG.error("Config file {} is rejected; the resources it defined before are kept:\n  {}",
          path, String.join("\n  ", messages));
    }
  }

  private static String read(Path path, Stamp stamp) throws IOException {
    if (stamp.size() > MAX_FILE_BYTES) {
      throw new IOException("larger than " + (MAX_FILE_BYTES >> 20) + " MiB");
    }
    try {
      return Files.readString(path, StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      throw new IOException("not UTF-8 text", e);
    }
  }

  private static void list(Path directory, int depth, Map<Path, Stamp> out) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path p : entries) {
        if (hidden(p)) {
          continue;
        }
        BasicFileAttributes a;
        try {
          a = Files.readAttributes(p, BasicFileAttributes.class);
        } catch (IOException e) {
          continue; // vanished, or a dangling link
        }
        if (a.isDirectory()) {
          if (depth < MAX_DEPTH) {
            list(p, depth + 1, out);
          }
        } else if (a.isRegularFile() && isConfigFile(p)) {
          out.put(p, new Stamp(a.size(), a.lastModifiedTime(), a.fileKey()));
        }
      }
    }
  }

  private static boolean isConfigFile(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json");
  }

  private static boolean hidden(Path p) {
    Path name = p.getFileName();
    return name != null && name.toString().startsWith(".");
  }

  private static String source(Path path) {
    return ConfigStore.FILE_SOURCE_PREFIX + path;
  }
}
