package dev.bowline.kernel.plugin;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What the host knows about one plugin file or directory it found: the plugin's identity, its state,
 * why it failed if it did, and the extensions it contributes.
 *
 * @param id the plugin id from its descriptor, or the file name when no descriptor could be read
 * @param version the plugin's version, or empty when unknown
 * @param path the plugin's file or directory
 * @param state STARTED, DISABLED or FAILED
 * @param reason why the plugin is FAILED or DISABLED; empty when STARTED
 * @param description the plugin's description, possibly empty
 * @param extensions the extensions it contributes (empty unless STARTED)
 */
public record PluginStatus(
    String id,
    String version,
    Path path,
    PluginState state,
    String reason,
    String description,
    List<ExtensionInfo> extensions) {

  public PluginStatus {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(description, "description");
    extensions = List.copyOf(extensions);
  }
}
