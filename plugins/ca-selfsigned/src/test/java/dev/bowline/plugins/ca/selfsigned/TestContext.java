package dev.bowline.plugins.ca.selfsigned;

import dev.bowline.spi.plugin.PluginContext;
import dev.bowline.spi.plugin.PluginMetrics;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plugin context carrying only a configuration section, as the host would pass it (shared with
 * ca-file's tests through this module's test jar).
 */
public record TestContext(String pluginId, Map<String, Object> config) implements PluginContext {

  /** A context of the ca-selfsigned plugin. */
  public TestContext(Map<String, Object> config) {
    this("ca-selfsigned", config);
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
}
