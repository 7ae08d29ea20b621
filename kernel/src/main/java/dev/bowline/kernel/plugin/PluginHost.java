package dev.bowline.kernel.plugin;

import dev.bowline.kernel.BowlineVersion;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.spi.plugin.CanonicalName;
import dev.bowline.spi.plugin.ExtensionMetadata;
import dev.bowline.spi.plugin.ExtensionPointKind;
import dev.bowline.spi.plugin.NamedFactory;
import dev.bowline.spi.plugin.PluginContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginWrapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel's plugin host: loads the plugins of one directory with PF4J, starts them, checks that
 * their extensions can be loaded and are well formed, and offers the factories by extension point
 * and name, highest priority first.
 *
 * <p>Failures are isolated and explained: a file that is not a plugin, a missing class, a duplicate
 * plugin id, a plugin that needs a newer Bowline, a plugin whose start throws, an extension with a
 * bad name: each is listed as {@link PluginState#FAILED} with its reason, and every other plugin
 * still loads.
 *
 * <p><b>Threading.</b> {@link #start(PluginHostConfig, MetricRegistry)} and {@link #close()} run on
 * the caller's thread. After start the host is immutable: the query methods are thread-safe.
 */
public final class PluginHost implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PluginHost.class);

  private final BowlinePluginManager manager;
  private final Path scratch;
  /** Guarded by {@code this}. */
  private boolean closed;
  private final List<PluginStatus> statuses;
  private final List<LoadedExtension> extensions;
  private final Map<String, HostPluginContext> contexts;
  private final HostPluginContext builtin;
  private final Path pluginsDir;

  private PluginHost(
      BowlinePluginManager manager,
      Path scratch,
      List<PluginStatus> statuses,
      List<LoadedExtension> extensions,
      Map<String, HostPluginContext> contexts,
      MetricRegistry metrics,
      Path pluginsDir,
      Path dataDir) {
    this.pluginsDir = pluginsDir;
    this.manager = manager;
    this.scratch = scratch;
    this.statuses = List.copyOf(statuses);
    this.extensions = List.copyOf(extensions);
    this.contexts = Map.copyOf(contexts);
    this.builtin = new HostPluginContext("builtin", BowlineVersion.current(), Map.of(), metrics, dataDir);
  }

  /**
   * Loads and starts every plugin in the configured directory. Never throws because of a bad
   * plugin: look at {@link #plugins()} for what failed.
   *
   * @throws UncheckedIOException if the host cannot make its scratch directory
   */
  public static PluginHost start(PluginHostConfig config, MetricRegistry metrics) {
    Path scratch;
    try {
      scratch = Files.createTempDirectory("bowline-plugins-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a scratch directory for plugin libraries", e);
    }
    BowlinePluginManager manager =
        new BowlinePluginManager(
            config.pluginsDir(), BowlineVersion.release(), config.enabled(), config.disabled(), scratch);
    if (!Files.isDirectory(config.pluginsDir())) {
      log.warn("plugins directory {} does not exist; no plugins loaded", config.pluginsDir());
    } else {
      manager.loadPlugins();
      manager.startPlugins();
    }

    List<PluginStatus> statuses = new ArrayList<>();
    List<LoadedExtension> extensions = new ArrayList<>();
    Map<String, HostPluginContext> contexts = new LinkedHashMap<>();

    for (PluginWrapper plugin : manager.getPlugins()) {
      PluginDescriptor d = plugin.getDescriptor();
      String id = d.getPluginId();
      switch (plugin.getPluginState()) {
        case STARTED -> {
          List<LoadedExtension> found = new ArrayList<>();
          Optional<String> problem = inspectExtensions(manager, plugin, found);
          if (problem.isPresent()) {
            manager.stopPlugin(id);
            statuses.add(status(plugin, PluginState.FAILED, problem.get(), List.of()));
          } else {
            extensions.addAll(found);
            contexts.put(
                id,
                new HostPluginContext(
                    id, BowlineVersion.current(), config.pluginConfig().getOrDefault(id, Map.of()), metrics,
                    config.dataDir()));
            statuses.add(
                status(plugin, PluginState.STARTED, "", found.stream().map(LoadedExtension::info).toList()));
          }
        }
        case DISABLED -> {
          if (manager.failedVersionCheck(plugin)) {
            statuses.add(
                status(
                    plugin,
                    PluginState.FAILED,
                    "requires Bowline " + d.getRequires() + " but this is " + BowlineVersion.current(),
                    List.of()));
          } else {
            statuses.add(status(plugin, PluginState.DISABLED, manager.disabledReason(id), List.of()));
          }
        }
        default -> {
          Throwable failure = plugin.getFailedException();
          String reason =
              failure != null
                  ? "start failed: " + Failures.describe(failure)
                  : "not started (state " + plugin.getPluginState() + "): check its"
                      + " Plugin-Dependencies";
          statuses.add(status(plugin, PluginState.FAILED, reason, List.of()));
        }
      }
    }
    manager
        .loadFailures()
        .forEach(
            (path, reason) -> {
              String id = manager.failedId(path);
              statuses.add(
                  new PluginStatus(
                      id != null ? id : path.getFileName().toString(),
                      "",
                      path,
                      PluginState.FAILED,
                      reason,
                      "",
                      List.of()));
            });
    statuses.sort(Comparator.comparing(PluginStatus::id).thenComparing(s -> s.path().toString()));
    extensions.sort(
        Comparator.comparingInt((LoadedExtension e) -> e.factory().priority()).reversed());
    for (PluginStatus s : statuses) {
      if (s.state() == PluginState.FAILED) {
        log.warn("plugin {} ({}) FAILED: {}", s.id(), s.path().getFileName(), s.reason());
      }
    }
    return new PluginHost(
        manager, scratch, statuses, extensions, contexts, metrics, config.pluginsDir(), config.dataDir());
  }

  /** The directory the plugins were loaded from. */
  public Path pluginsDirectory() {
    return pluginsDir;
  }

  /** Every plugin candidate found, sorted by id: started, disabled and failed alike. */
  public List<PluginStatus> plugins() {
    return statuses;
  }

  /** Whether any plugin failed. */
  public boolean hasFailures() {
    return statuses.stream().anyMatch(s -> s.state() == PluginState.FAILED);
  }

  /**
   * The factories of one extension point contributed by started plugins, highest priority first.
   */
  public <F extends NamedFactory<?>> List<F> factories(Class<F> point) {
    List<F> out = new ArrayList<>();
    for (LoadedExtension e : extensions) {
      if (point.isInstance(e.factory())) {
        out.add(point.cast(e.factory()));
      }
    }
    return out;
  }

  /** The available factory of {@code point} named {@code name} with the highest priority. */
  public <F extends NamedFactory<?>> Optional<F> factory(Class<F> point, String name) {
    return factories(point).stream()
        .filter(f -> f.name().equals(name) && f.isAvailable())
        .findFirst();
  }

  /**
   * The context to hand to instances made by {@code factory}: its plugin's context, or for a
   * factory built into Bowline (such as the round-robin balancer) the host's {@code builtin}
   * context.
   */
  public PluginContext contextFor(NamedFactory<?> factory) {
    for (LoadedExtension e : extensions) {
      if (e.factory() == factory) {
        return contexts.get(e.pluginId());
      }
    }
    return builtin;
  }

  /**
   * Stops the plugins, their schedulers, and deletes the scratch directory. Only the first call
   * does anything, and a later call returns once the first has finished: a process closes its host
   * both when its main thread ends and in its shutdown hook. On SIGTERM the JVM may halt before the
   * main thread gets there, or, once the hook returns, while the main thread is still closing; so
   * the hook's call must wait for the main thread's.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    contexts.values().forEach(HostPluginContext::close);
    builtin.close();
    // unloadPlugins() stops each plugin first (PF4J's stopPlugins() trips over its own list).
    manager.unloadPlugins();
    try (Stream<Path> files = Files.walk(scratch)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.debug("could not delete {}", scratch, e);
    }
  }

  private static PluginStatus status(
      PluginWrapper plugin, PluginState state, String reason, List<ExtensionInfo> extensions) {
    PluginDescriptor d = plugin.getDescriptor();
    return new PluginStatus(
        d.getPluginId(),
        d.getVersion() == null ? "" : d.getVersion(),
        plugin.getPluginPath(),
        state,
        reason,
        d.getPluginDescription() == null ? "" : d.getPluginDescription(),
        extensions);
  }

  /**
   * Loads, checks and instantiates every extension class the plugin's index lists. Returns the
   * first problem, which fails the whole plugin: a plugin is all there or not there.
   */
  private static Optional<String> inspectExtensions(
      BowlinePluginManager manager, PluginWrapper plugin, List<LoadedExtension> found) {
    String id = plugin.getPluginId();
    List<String> classNames = new ArrayList<>(manager.getExtensionClassNames(id));
    classNames.sort(null);
    if (classNames.isEmpty()) {
      return Optional.of(
          "contributes no extension: META-INF/extensions.idx is missing or empty (is pf4j's"
              + " annotation processor on the compiler's annotationProcessorPaths?)");
    }
    for (String className : classNames) {
      Class<?> type;
      try {
        type = plugin.getPluginClassLoader().loadClass(className);
      } catch (ClassNotFoundException | LinkageError e) {
        return Optional.of(
            "extension class " + className + " cannot be loaded: " + Failures.describe(e));
      }
      Optional<ExtensionPointKind> kind = ExtensionPointKind.of(type);
      if (kind.isEmpty()) {
        return Optional.of(
            "extension class " + className + " implements no Bowline extension point (one of "
                + Stream.of(ExtensionPointKind.values()).map(k -> k.factoryType().getSimpleName()).toList()
                + ")");
      }
      NamedFactory<?> factory;
      try {
        factory = (NamedFactory<?>) type.getConstructor().newInstance();
      } catch (InvocationTargetException e) {
        return Optional.of(
            "extension class " + className + " constructor threw " + Failures.describe(e.getCause()));
      } catch (ReflectiveOperationException | LinkageError e) {
        return Optional.of(
            "extension class " + className + " cannot be instantiated (it needs a public"
                + " no-argument constructor): " + Failures.describe(e));
      }
      String name;
      int priority;
      ExtensionMetadata metadata;
      boolean available;
      try {
        name = factory.name();
        priority = factory.priority();
        metadata = factory.metadata();
        available = factory.isAvailable();
      } catch (RuntimeException | LinkageError e) {
        return Optional.of("extension " + className + " failed to describe itself: " + Failures.describe(e));
      }
      if (!CanonicalName.isValid(name)) {
        return Optional.of(
            "extension class " + className + " has name '" + name + "', which is not a canonical"
                + " dotted name such as 'example.lb.sample'");
      }
      if (priority < 0 || priority > 10) {
        return Optional.of(
            "extension " + name + " has priority " + priority + "; priorities run from 0 to 10");
      }
      if (metadata == null) {
        metadata = ExtensionMetadata.DEFAULT;
      }
      found.add(
          new LoadedExtension(
              id,
              factory,
              new ExtensionInfo(
                  kind.get().displayName(),
                  name,
                  className,
                  priority,
                  available,
                  metadata.status(),
                  metadata.securityPosture(),
                  metadata.description())));
    }
    return Optional.empty();
  }

  private record LoadedExtension(String pluginId, NamedFactory<?> factory, ExtensionInfo info) {}
}
