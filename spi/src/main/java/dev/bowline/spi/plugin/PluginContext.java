package dev.bowline.spi.plugin;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;

/**
 * What the host gives an extension instance: its configuration, a scheduler for background work,
 * a logger and a place to register metrics. Deliberately small: plugins never see PF4J's plugin
 * manager or any other host internals.
 *
 * <p><b>Threading.</b> All methods are thread-safe. Tasks submitted to {@link #scheduler()} run on
 * a shared host pool: they must not block for long, and must never run on a proxy event loop.
 * The host shuts the scheduler's tasks for this plugin down when the plugin stops.
 */
public interface PluginContext {

  /** The id of the plugin this context belongs to, or {@code "builtin"} for built-in extensions. */
  String pluginId();

  /** The Bowline version of the host, such as {@code 0.1.0}. */
  String hostVersion();

  /**
   * This plugin's section of the host configuration ({@code plugins.config.<plugin-id>} in
   * {@code bowline.yaml}), as a tree of maps, lists, strings, numbers and booleans. Empty when
   * the operator configured nothing. Immutable.
   */
  Map<String, Object> config();

  /** A scheduler for periodic or delayed background work. */
  ScheduledExecutorService scheduler();

  /** A logger named after the plugin. */
  Logger logger();

  /** The registry for this plugin's metrics. */
  PluginMetrics metrics();

  /**
   * A directory of this plugin's own where it may keep files across restarts (a CA's root key,
   * say): {@code <data directory>/plugins/<plugin id>} under the host's data directory (for the
   * control plane, its {@code --data-dir}). The host makes it on first call, readable by the
   * owner only ({@code 0700}); what the plugin writes in it is the plugin's to protect.
   *
   * <p>The default implementation, for contexts written before this method existed (test
   * doubles), says there is none; the host always provides one.
   *
   * @throws IllegalStateException if the host has no data directory or cannot make this one; the
   *     message names the directory
   */
  default Path dataDirectory() {
    throw new IllegalStateException("this host gives plugin " + pluginId() + " no data directory");
  }
}
