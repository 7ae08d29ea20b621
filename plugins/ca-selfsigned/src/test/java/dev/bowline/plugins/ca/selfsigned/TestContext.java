package dev.bowline.plugins.ca.selfsigned;

import dev.bowline.spi.plugin.PluginContext;
import dev.bowline.spi.plugin.PluginMetrics;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plugin context carrying a configuration section and, if given, a data directory, as the host
 * would pass them (shared with ca-file's tests through this module's test jar).
 *
 * @param dataDir the data directory, or null for a host that gives none
 */
public record TestContext(String pluginId, Map<String, Object> config, Path dataDir)
    implements PluginContext {

  /** A context of plugin {@code pluginId} without a data directory. */
  public TestContext(String pluginId, Map<String, Object> config) {
    this(pluginId, config, null);
  }

  /** A context of the ca-selfsigned plugin without a data directory. */
  public TestContext(Map<String, Object> config) {
    this("ca-selfsigned", config, null);
  }

  /** A context of the ca-selfsigned plugin, unconfigured, with data directory {@code dataDir}. */
  public TestContext(Path dataDir) {
    this("ca-selfsigned", Map.of(), dataDir);
  }

  @Override
  public String hostVersion() {
    return "0.1.0";
  }

  @Override
  public ScheduledExecutorService scheduler() {
    throw new UnsupportedOperationException("the CA schedules nothing");
  }

  @Override
  public Logger logger() {
    return LoggerFactory.getLogger(pluginId);
  }

  @Override
  public PluginMetrics metrics() {
    throw new UnsupportedOperationException("the CA registers no metrics");
  }

  @Override
  public Path dataDirectory() {
    return dataDir != null ? dataDir : PluginContext.super.dataDirectory();
  }
}
