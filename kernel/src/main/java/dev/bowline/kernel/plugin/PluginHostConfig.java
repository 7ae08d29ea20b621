package dev.bowline.kernel.plugin;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How the plugin host is set up.
 *
 * @param pluginsDir the directory holding plugin jars, zips and directories
 * @param enabled when not empty, only these plugin ids are enabled
 * @param disabled plugin ids that are not started
 * @param pluginConfig each plugin's configuration section, by plugin id
 * @param dataDir the host's data directory: each plugin's {@code PluginContext.dataDirectory()}
 *     is {@code <dataDir>/plugins/<plugin id>}
 */
public record PluginHostConfig(
    Path pluginsDir,
    Set<String> enabled,
    Set<String> disabled,
    Map<String, Map<String, Object>> pluginConfig,
    Path dataDir) {

  public PluginHostConfig {
    Objects.requireNonNull(pluginsDir, "pluginsDir");
    enabled = Set.copyOf(enabled);
    disabled = Set.copyOf(disabled);
    pluginConfig = Map.copyOf(pluginConfig);
    Objects.requireNonNull(dataDir, "dataDir");
  }

  /**
   * A configuration whose data directory is {@code data} beside the plugins directory (in a
   * Bowline home: {@code <home>/data}, the control plane's default {@code --data-dir}).
   */
  public PluginHostConfig(
      Path pluginsDir,
      Set<String> enabled,
      Set<String> disabled,
      Map<String, Map<String, Object>> pluginConfig) {
    this(pluginsDir, enabled, disabled, pluginConfig, defaultDataDir(pluginsDir));
  }

  /** Every plugin in {@code pluginsDir} enabled, none configured. */
  public static PluginHostConfig of(Path pluginsDir) {
    return new PluginHostConfig(pluginsDir, Set.of(), Set.of(), Map.of());
  }

  /** This configuration with {@code dataDir} as the host's data directory. */
  public PluginHostConfig withDataDir(Path dataDir) {
    return new PluginHostConfig(pluginsDir, enabled, disabled, pluginConfig, dataDir);
  }

  private static Path defaultDataDir(Path pluginsDir) {
    Path absolute = pluginsDir.toAbsolutePath().normalize();
    return absolute.getParent() == null ? absolute.resolve("data") : absolute.resolveSibling("data");
  }
}
