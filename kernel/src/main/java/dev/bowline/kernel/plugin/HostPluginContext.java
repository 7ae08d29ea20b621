package dev.bowline.kernel.plugin;

import dev.bowline.spi.plugin.PluginContext;
import dev.bowline.spi.plugin.PluginMetrics;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link PluginContext} the host gives one plugin's extensions. The scheduler is made on first
 * use (one daemon thread per plugin that asks for one) and shut down when the host closes.
 *
 * <p>Thread-safe.
 */
final class HostPluginContext implements PluginContext, AutoCloseable {

  private final String pluginId;
  private final String hostVersion;
  private final Map<String, Object> config;
  private final PluginMetrics metrics;
  private final Logger logger;
  private ScheduledExecutorService scheduler;

  HostPluginContext(
      String pluginId, String hostVersion, Map<String, Object> config, PluginMetrics metrics) {
    this.pluginId = pluginId;
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
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }
}
