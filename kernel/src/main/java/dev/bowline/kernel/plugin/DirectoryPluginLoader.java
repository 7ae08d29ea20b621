package dev.bowline.kernel.plugin;

import java.nio.file.Path;
import org.pf4j.DefaultPluginLoader;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * Loads a plugin laid out as a directory (or a zip, which PF4J unpacks into one): its classes under
 * {@code classes/} and its dependencies under {@code lib/}, with the host's shared packages always
 * taken from the host.
 *
 * <p>Called by PF4J from the thread that loads plugins; not used concurrently.
 */
final class DirectoryPluginLoader extends DefaultPluginLoader {

  DirectoryPluginLoader(PluginManager manager) {
    super(manager);
  }

  @Override
  protected PluginClassLoader createPluginClassLoader(Path pluginPath, PluginDescriptor descriptor) {
    return new HostFirstPluginClassLoader(pluginManager, descriptor, getClass().getClassLoader());
  }
}
