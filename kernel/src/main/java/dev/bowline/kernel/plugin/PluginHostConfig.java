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
 */
public record PluginHostConfig(
    Path pluginsDir,
    Set<String> enabled,
    Set<String> disabled,
    Map<String, Map<String, Object>> pluginConfig) {

  public PluginHostConfig {
    Objects.requireNonNull(pluginsDir, "pluginsDir");
    enabled = Set.copyOf(enabled);
    disabled = Set.copyOf(disabled);
    pluginConfig = Map.copyOf(pluginConfig);
  }

  /** Every plugin in {@code pluginsDir} enabled, none configured. */
  public static PluginHostConfig of(Path pluginsDir) {
    return new PluginHostConfig(pluginsDir, Set.of(), Set.of(), Map.of());
  }
}
