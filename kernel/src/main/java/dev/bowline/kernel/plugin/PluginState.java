package dev.bowline.kernel.plugin;

/** The state of a plugin as operators see it. */
public enum PluginState {
  /** Loaded, started, and its extensions are available. */
  STARTED,
  /** Found but turned off in configuration. */
  DISABLED,
  /** Could not be loaded or started; the reason says why. */
  FAILED
}
