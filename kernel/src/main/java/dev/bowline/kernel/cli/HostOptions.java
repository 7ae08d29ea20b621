package dev.bowline.kernel.cli;

import dev.bowline.kernel.config.HostConfig;
import dev.bowline.kernel.config.HostConfigException;
import dev.bowline.kernel.config.HostConfigLoader;
import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.kernel.plugin.PluginHostConfig;
import dev.bowline.proxy.stats.MetricRegistry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options every command that loads plugins shares: the configuration file and an override of
 * the plugins directory. A picocli mixin.
 */
final class HostOptions {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Host configuration (default: <bowline home>/conf/bowline.yaml, if present).")
  Path configFile;

  @Option(
      names = "--plugins-dir",
      paramLabel = "DIR",
      description = "Plugins directory (default: plugins.directory from the configuration, else <bowline home>/plugins).")
  Path pluginsDir;

  /** The plugin host configuration these options describe. */
  PluginHostConfig pluginHostConfig() throws HostConfigException {
    Path home = BowlineHome.dir();
    Path file = configFile != null ? configFile : BowlineHome.defaultConfigFile();
    if (configFile != null && !Files.exists(configFile)) {
      throw new HostConfigException(configFile + ": no such file");
    }
    HostConfig config =
        Files.exists(file)
            ? HostConfigLoader.load(file, home)
            : HostConfig.defaults(home.resolve("plugins"));
    PluginHostConfig plugins = config.plugins();
    return pluginsDir == null
        ? plugins
        : new PluginHostConfig(
            pluginsDir.toAbsolutePath().normalize(),
            plugins.enabled(),
            plugins.disabled(),
            plugins.pluginConfig());
  }

  /**
   * Starts the plugin host these options describe; when the host configuration is invalid, prints
   * {@code <command>: <reason>} to {@code err} and returns empty (the caller exits with FAILED).
   */
  Optional<PluginHost> startPlugins(PrintWriter err, String command) {
    try {
      return Optional.of(PluginHost.start(pluginHostConfig(), new MetricRegistry()));
    } catch (HostConfigException e) {
      err.println(command + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * As {@link #startPlugins(PrintWriter, String)}, with {@code dataDir} as the data directory under
   * which each plugin gets its own ({@code <dataDir>/plugins/<plugin id>}).
   */
  Optional<PluginHost> startPlugins(PrintWriter err, String command, Path dataDir) {
    try {
      return Optional.of(PluginHost.start(pluginHostConfig().withDataDir(dataDir), new MetricRegistry()));
    } catch (HostConfigException e) {
      err.println(command + ": " + e.getMessage());
      return Optional.empty();
    }
  }
}
