package dev.bowline.kernel.plugin;

import java.util.Set;
import org.pf4j.PluginStatusProvider;

/**
 * Decides which plugins are enabled from the host configuration: a plugin listed in
 * {@code disabled} is off; when {@code enabled} is not empty, only the plugins it lists are on.
 * Changes at run time are not supported (the configuration file is the source of truth).
 *
 * <p>Immutable and thread-safe.
 */
final class ConfiguredPluginStatusProvider implements PluginStatusProvider {

  private final Set<String> enabled;
  private final Set<String> disabled;

  ConfiguredPluginStatusProvider(Set<String> enabled, Set<String> disabled) {
    this.enabled = Set.copyOf(enabled);
    this.disabled = Set.copyOf(disabled);
  }

  @Override
  public boolean isPluginDisabled(String pluginId) {
    return disabled.contains(pluginId) || (!enabled.isEmpty() && !enabled.contains(pluginId));
  }

  /** Why {@code pluginId} is disabled, for operators. */
  String reason(String pluginId) {
    return disabled.contains(pluginId)
        ? "disabled in configuration (plugins.disabled)"
        : "not listed in plugins.enabled";
  }

  @Override
  public void disablePlugin(String pluginId) {
    throw new UnsupportedOperationException(
        "plugins are enabled and disabled in the configuration file, not at run time");
  }

  @Override
  public void enablePlugin(String pluginId) {
    throw new UnsupportedOperationException(
        "plugins are enabled and disabled in the configuration file, not at run time");
  }
}
