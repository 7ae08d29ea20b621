package dev.bowline.kernel.plugin;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pf4j.CompoundPluginLoader;
import org.pf4j.CompoundPluginRepository;
import org.pf4j.DefaultPluginManager;
import org.pf4j.DefaultPluginRepository;
import org.pf4j.JarPluginRepository;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginLoader;
import org.pf4j.PluginRepository;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginWrapper;

/**
 * PF4J's plugin manager, set up the way Bowline loads plugins: from one directory, jars (with
 * nested {@code lib/} jars), zips and directories alike; the host's shared packages from the host;
 * enabled and disabled by configuration; and every plugin that cannot be loaded recorded with its
 * reason instead of only logged, while the others go on loading.
 *
 * <p>Not thread-safe: {@link PluginHost} drives it from one thread.
 */
final class BowlinePluginManager extends DefaultPluginManager {

  private final Map<Path, String> loadFailures = new LinkedHashMap<>();
  private final Map<Path, String> failedIds = new LinkedHashMap<>();

  BowlinePluginManager(
      Path pluginsDir, String systemVersion, Set<String> enabled, Set<String> disabled, Path scratch) {
    super(List.of(pluginsDir));
    // PF4J's constructor has already called the create* methods; put ours in place now that the
    // configuration is at hand.
    pluginStatusProvider = new ConfiguredPluginStatusProvider(enabled, disabled);
    pluginLoader =
        new CompoundPluginLoader()
            .add(new NestedJarPluginLoader(this, scratch))
            .add(new DirectoryPluginLoader(this));
    pluginFactory = new ExplainingPluginFactory();
    setSystemVersion(systemVersion);
    setResolveRecoveryStrategy(ResolveRecoveryStrategy.IGNORE_PLUGIN_AND_CONTINUE);
  }

  @Override
  protected PluginRepository createPluginRepository() {
    return new CompoundPluginRepository()
        .add(new JarPluginRepository(getPluginsRoots()))
        .add(new DefaultPluginRepository(getPluginsRoots()));
  }

  @Override
  protected PluginLoader createPluginLoader() {
    // Replaced in the constructor; PF4J calls this before our fields exist.
    return new CompoundPluginLoader();
  }

  /**
   * Loads every candidate in the plugins directory, in file-name order so that the outcome (for
   * example which of two plugins with the same id wins) does not depend on the file system.
   */
  @Override
  public void loadPlugins() {
    List<Path> candidates = new ArrayList<>(pluginRepository.getPluginPaths());
    candidates.sort(Comparator.comparing(p -> p.getFileName().toString()));
    Map<String, Path> seenIds = new LinkedHashMap<>();
    for (Path candidate : candidates) {
      String id = null;
      try {
        PluginDescriptor descriptor = getPluginDescriptorFinder().find(candidate);
        validatePluginDescriptor(descriptor);
        id = descriptor.getPluginId();
        Path first = seenIds.putIfAbsent(id, candidate);
        if (first != null) {
          recordFailure(
              candidate,
              id,
              "duplicate plugin id '" + id + "': already loaded from " + first.getFileName());
          continue;
        }
        loadPluginFromPath(candidate);
      } catch (PluginRuntimeException | LinkageError | IllegalStateException e) {
        recordFailure(candidate, id, explainLoadFailure(e));
      } catch (RuntimeException e) {
        recordFailure(candidate, id, Failures.describe(e));
      }
    }
    resolvePlugins();
  }

  /** Why each candidate that never became a plugin failed, by path. */
  Map<Path, String> loadFailures() {
    return loadFailures;
  }

  /** The plugin id of a failed candidate, when its descriptor could be read. */
  String failedId(Path path) {
    return failedIds.get(path);
  }

  /** Why {@code pluginId} is disabled by configuration. */
  String disabledReason(String pluginId) {
    return ((ConfiguredPluginStatusProvider) pluginStatusProvider).reason(pluginId);
  }

  /** Whether the plugin was disabled because it requires a newer Bowline. */
  boolean failedVersionCheck(PluginWrapper wrapper) {
    return wrapper.getFailedException() != null && !isPluginValid(wrapper);
  }

  private void recordFailure(Path candidate, String id, String reason) {
    loadFailures.put(candidate, reason);
    if (id != null) {
      failedIds.put(candidate, id);
    }
  }

  private static String explainLoadFailure(Throwable e) {
    String message = Failures.describe(e);
    if (message.contains("No PluginDescriptorFinder")
        || message.contains("Field 'id' cannot be empty")
        || message.contains("Cannot find the manifest")
        || message.contains("Cannot find '")) {
      return "not a plugin: it has no PF4J descriptor (Plugin-Id in META-INF/MANIFEST.MF or"
          + " plugin.properties)";
    }
    return message;
  }
}
