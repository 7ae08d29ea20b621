package dev.bowline.kernel.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.pf4j.JarPluginLoader;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * Loads a plugin packaged as one jar. The jar's own classes come first; jars it carries under
 * {@code lib/} are its private dependencies: they are copied out to a scratch directory (a JVM cannot
 * load classes from a jar inside a jar) and added to the plugin's class loader.
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
    PluginClassLoader loader = createPluginClassLoader(pluginPath, descriptor);
    loader.addFile(pluginPath.toFile());
    try (ZipFile jar = new ZipFile(pluginPath.toFile())) {
      Path libDir = null;
      Enumeration<? extends ZipEntry> entries = jar.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        if (!isNestedLibrary(entry)) {
          continue;
        }
        if (libDir == null) {
          libDir = Files.createDirectories(scratch.resolve(descriptor.getPluginId()));
        }
        Path target = libDir.resolve(Path.of(entry.getName()).getFileName().toString());
        try (InputStream in = jar.getInputStream(entry)) {
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        loader.addFile(target.toFile());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the libraries inside " + pluginPath, e);
    }
    return loader;
  }

  @Override
  protected PluginClassLoader createPluginClassLoader(Path pluginPath, PluginDescriptor descriptor) {
    return new HostFirstPluginClassLoader(pluginManager, descriptor, getClass().getClassLoader());
  }

  private static boolean isNestedLibrary(ZipEntry entry) {
    String name = entry.getName();
    return !entry.isDirectory()
        && name.startsWith("lib/")
        && name.endsWith(".jar")
        && name.indexOf('/', 4) < 0;
  }
}
