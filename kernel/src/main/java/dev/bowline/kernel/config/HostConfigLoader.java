package dev.bowline.kernel.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bowline.kernel.plugin.PluginHostConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code bowline.yaml}. Every key is checked: an unknown key or a value of the wrong type is
 * an error that names the file and the field path, so a typo never passes silently.
 *
 * <pre>
 * plugins:
 *   directory: plugins          # relative to the Bowline home directory
 *   enabled: []                 # when not empty, only these plugin ids start
 *   disabled: [lb-least-request]
 *   config:                     # handed to each plugin as PluginContext.config()
 *     lb-least-request: {choiceCount: 3}
 * </pre>
 *
 * <p>Stateless and thread-safe.
 */
public final class HostConfigLoader {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> TOP_LEVEL = Set.of("plugins");
  private static final Set<String> PLUGINS = Set.of("directory", "enabled", "disabled", "config");

  private HostConfigLoader() {}

  /**
   * Loads {@code file}, resolving a relative plugins directory against {@code home}.
   *
   * @throws HostConfigException naming the file and the offending field
   */
  public static HostConfig load(Path file, Path home) throws HostConfigException {
    Object root;
    try {
      root = Files.size(file) == 0 ? Map.of() : YAML.readValue(file.toFile(), Object.class);
    } catch (JacksonException e) {
      throw new HostConfigException(file + ": not valid YAML: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new HostConfigException(file + ": cannot be read: " + e.getMessage(), e);
    }
    if (root == null) {
      root = Map.of();
    }
    Map<String, Object> top = map(file, "", root);
    unknownKeys(file, "", top, TOP_LEVEL);
    Map<String, Object> plugins = map(file, "plugins", top.getOrDefault("plugins", Map.of()));
    unknownKeys(file, "plugins.", plugins, PLUGINS);

    Object dir = plugins.getOrDefault("directory", "plugins");
    if (!(dir instanceof String dirText) || dirText.isBlank()) {
      throw new HostConfigException(file + ": plugins.directory: must be a path");
    }
    Path pluginsDir = home.resolve(dirText).normalize();
    Set<String> enabled = ids(file, "plugins.enabled", plugins.get("enabled"));
    Set<String> disabled = ids(file, "plugins.disabled", plugins.get("disabled"));
    Map<String, Map<String, Object>> pluginConfig = new LinkedHashMap<>();
    Map<String, Object> sections = map(file, "plugins.config", plugins.get("config"));
    for (Map.Entry<String, Object> section : sections.entrySet()) {
      pluginConfig.put(
          section.getKey(), map(file, "plugins.config." + section.getKey(), section.getValue()));
    }
    return new HostConfig(new PluginHostConfig(pluginsDir, enabled, disabled, pluginConfig));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Path file, String field, Object value)
      throws HostConfigException {
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof Map<?, ?>)) {
      throw new HostConfigException(
          file + ": " + (field.isEmpty() ? "the document" : field) + ": must be a mapping");
    }
    return (Map<String, Object>) value;
  }

  private static void unknownKeys(Path file, String prefix, Map<String, Object> map, Set<String> known)
      throws HostConfigException {
    for (String key : map.keySet()) {
      if (!known.contains(key)) {
        throw new HostConfigException(
            file + ": " + prefix + key + ": unknown field (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
      }
    }
  }

  private static Set<String> ids(Path file, String field, Object value) throws HostConfigException {
    if (value == null) {
      return Set.of();
    }
    if (!(value instanceof List<?> list)) {
      throw new HostConfigException(file + ": " + field + ": must be a list of plugin ids");
    }
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof String id) || id.isBlank()) {
        throw new HostConfigException(file + ": " + field + "[" + i + "]: must be a plugin id");
      }
      out.add(id);
    }
    return out;
  }
}
