package dev.bowline.plugins.ca.selfsigned;

import dev.bowline.spi.plugin.PluginContext;
import java.nio.file.Path;

/**
 * Where the self-signed CA keeps its files: the plugin's data directory that the host gives it
 * ({@link PluginContext#dataDirectory()}, {@code <data dir>/plugins/<plugin id>}, owner-only). A CA
 * whose root changed on every restart would break every workload's trust, so a host without a
 * data directory cannot run this CA.
 *
 * <p>Stateless and thread-safe.
 */
final class DataDirectory {

  private DataDirectory() {}

  /**
   * The plugin's data directory.
   *
   * @throws IllegalStateException when the host has none, saying so
   */
  static Path of(PluginContext context) {
    try {
      return context.dataDirectory();
    } catch (IllegalStateException e) {
      throw new IllegalStateException(
          "the self-signed CA keeps its root certificate and key in the plugin's data directory: "
              + e.getMessage(),
          e);
    }
  }
}
