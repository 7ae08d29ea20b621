package dev.bowline.plugins.ca.selfsigned;

import dev.bowline.spi.plugin.PluginContext;
import dev.bowline.spi.plugin.PluginMetrics;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A plugin context carrying only a configuration section, as the host would pass it. */
record TestContext(Map<String, Object> config) implements PluginContext {

  @Override
  public String pluginId() {
    return "ca-selfsigned";
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
    return LoggerFactory.getLogger("ca-selfsigned");
  }

  @Override
  public PluginMetrics metrics() {
    throw new UnsupportedOperationException("the CA registers no metrics");
  }
}
