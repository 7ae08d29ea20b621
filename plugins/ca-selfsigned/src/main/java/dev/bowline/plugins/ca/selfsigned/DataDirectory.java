package dev.bowline.plugins.ca.selfsigned;

import dev.bowline.spi.plugin.PluginContext;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Where the self-signed CA keeps its files: the {@value #FIELD} entry of the plugin's section of
 * the host configuration ({@code plugins.config.<plugin-id>.dataDir} in {@code bowline.yaml}), an
 * absolute or working-directory-relative path. It is required: a CA whose root changed on every
 * restart would break every workload's trust.
 *
 * <p>Stateless and thread-safe.
 */
final class DataDirectory {

  static final String FIELD = "dataDir";

  private DataDirectory() {}

  /**
   * The configured directory.
   *
   * @throws IllegalStateException naming {@code plugins.config.<id>.dataDir} when it is missing or
   *     not a path
   */
  static Path of(PluginContext context) {
    String field = "plugins.config." + context.pluginId() + "." + FIELD;
    Object value = context.config().get(FIELD);
    if (!(value instanceof String text) || text.isBlank()) {
      throw new IllegalStateException(
          field
              + ": required: the directory where the CA keeps its"
              + " root certificate and key (made owner-only), "
              + (value == null ? "but it is not set" : "as a string, not " + value));
    }
    try {
      return Path.of(text).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw new IllegalStateException(
          field + ": '" + text + "' is not a path: " + e.getMessage(), e);
    }
  }
}
