package dev.bowline.kernel.plugin;

import java.nio.file.Path;
import org.pf4j.JarPluginLoader;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * Loads a plugin packaged as one jar. The jar's own classes come first; jars it carries under
 * {@code lib/} are its private dependencies: they are copied out to a scratch directory (a JVM cannot
 * load classes from a jar inside a jar) and added to the plugin's class loader when it first needs
 * them ({@link NestedLibraries}).
 *
 * <p>Called by PF4J from the thread that loads plugins; not used concurrently.
 */
final class NestedJarPluginLoader extends JarPluginLoader {

  private final Path scratch;

  /**
   * @param scratch the directory that nested jars are copied to, one sub-directory per plugin;
   *     the host deletes it when it closes
   */
  NestedJarPluginLoader(PluginManager manager, Path scratch) {
    super(manager);
    this.scratch = scratch;
  }

  @Override
  public ClassLoader loadPlugin(Path pluginPath, PluginDescriptor descriptor) {
    NestedLibraries nested =
        NestedLibraries.of(pluginPath, scratch.resolve(descriptor.getPluginId()));
    PluginClassLoader loader =
        new HostFirstPluginClassLoader(
            pluginManager, descriptor, getClass().getClassLoader(), nested);
    loader.addFile(pluginPath.toFile());
    return loader;
  }
}
