package dev.bowline.kernel.config;

import dev.bowline.kernel.plugin.PluginHostConfig;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The host's own configuration, from {@code conf/bowline.yaml}. One section per part of the host;
 * so far the plugin host's.
 *
 * @param plugins the {@code plugins} section
 */
public record HostConfig(PluginHostConfig plugins) {

  public HostConfig {
    Objects.requireNonNull(plugins, "plugins");
  }

  /** The configuration used when there is no file: every plugin in {@code pluginsDir} enabled. */
  public static HostConfig defaults(Path pluginsDir) {
    return new HostConfig(PluginHostConfig.of(pluginsDir));
  }
}
