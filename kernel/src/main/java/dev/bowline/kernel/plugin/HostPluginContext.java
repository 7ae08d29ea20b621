package dev.bowline.kernel.plugin;

import dev.bowline.spi.plugin.PluginContext;
import dev.bowline.spi.plugin.PluginMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link PluginContext} the host gives one plugin's extensions. The scheduler is made on first
 * use (one daemon thread per plugin that asks for one) and shut down when the host closes; so is
 * the data directory ({@code <host data dir>/plugins/<plugin id>}, owner-only).
 *
 * <p>Thread-safe.
 */
final class HostPluginContext implements PluginContext, AutoCloseable {

  private final String pluginId;
  private final String hostVersion;
  private final Map<String, Object> config;
  private final PluginMetrics metrics;
  private final Logger logger;
  private final Path dataDirectory;
  private ScheduledExecutorService scheduler;

  HostPluginContext(
      String pluginId, String hostVersion, Map<String, Object> config, PluginMetrics metrics,
      Path hostDataDir) {
    this.pluginId = pluginId;
    this.dataDirectory = hostDataDir.toAbsolutePath().normalize().resolve("plugins").resolve(pluginId);
    this.hostVersion = hostVersion;
    this.config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
    this.metrics = metrics;
    this.logger = LoggerFactory.getLogger("bowline.plugin." + pluginId);
  }

  @Override
  public String pluginId() {
    return pluginId;
  }

  @Override
  public String hostVersion() {
    return hostVersion;
  }

  @Override
  public Map<String, Object> config() {
    return config;
  }

  @Override
  public synchronized ScheduledExecutorService scheduler() {
    if (scheduler == null) {
      scheduler =
          Executors.newSingleThreadScheduledExecutor(
              task -> {
                Thread t = new Thread(task, "bowline-plugin-" + pluginId);
                t.setDaemon(true);
                return t;
              });
    }
    return scheduler;
  }

  @Override
  public Logger logger() {
    return logger;
  }

  @Override
  public PluginMetrics metrics() {
    return metrics;
  }

  @Override
  public synchronized Path dataDirectory() {
    if (!Files.isDirectory(dataDirectory)) {
      try {
        Files.createDirectories(dataDirectory.getParent());
        Files.createDirectory(dataDirectory,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (IOException e) {
        throw new IllegalStateException(
            "cannot make the data directory " + dataDirectory + " of plugin " + pluginId + ": " + e, e);
      }
    }
    return dataDirectory;
  }

  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }
}
