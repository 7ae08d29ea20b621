package dev.bowline.kernel.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import org.pf4j.LegacyExtensionFinder;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * A plugin class loader that always takes the host's contract and shared libraries from the host:
 * Bowline's spi, PF4J, SLF4J, Netty, gRPC and protobuf. Everything else is looked up in the plugin
 * first. A plugin that bundles its own copy of one of these therefore still sees the host's classes,
 * so its extensions implement the same interfaces the host looks for (a class loaded twice would make
 * the extension invisible).
 *
 * <p>A plugin jar's nested libraries ({@link NestedLibraries}) join the class path the first time
 * a class or resource is not found in the plugin's own classes, and before any search for every
 * resource of a name, except PF4J's extension index (extensions are declared by the plugin's own
 * jar). The order of the class path, and so what a name resolves to, is the same as if they had
 * been there from the start.
 *
 * <p>Thread-safe, as every {@link ClassLoader}.
 */
final class HostFirstPluginClassLoader extends PluginClassLoader {

  /** Package prefixes that always come from the host. */
  static final List<String> HOST_PACKAGES =
      List.of(
          "dev.bowline.spi.",
          "org.pf4j.",
          "org.slf4j.",
          "io.netty.",
          "io.grpc.",
          "com.google.protobuf.");

  static {
    ClassLoader.registerAsParallelCapable();
  }

  private final NestedLibraries nested;
  private volatile boolean nestedAdded;

  HostFirstPluginClassLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader parent) {
    this(manager, descriptor, parent, NestedLibraries.NONE);
  }

  HostFirstPluginClassLoader(
      PluginManager manager,
      PluginDescriptor descriptor,
      ClassLoader parent,
      NestedLibraries nested) {
    super(manager, descriptor, parent);
    this.nested = nested;
    this.nestedAdded = nested.isEmpty();
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    try {
      return super.findClass(name);
    } catch (ClassNotFoundException notInOwnClasses) {
      try {
        if (!addNestedLibraries()) {
          throw notInOwnClasses;
        }
      } catch (UncheckedIOException e) {
        throw new ClassNotFoundException(name + ": " + e.getMessage(), e);
      }
      return super.findClass(name);
    }
  }

  @Override
  public URL findResource(String name) {
    URL url = super.findResource(name);
    if (url == null && addNestedLibraries()) {
      url = super.findResource(name);
    }
    return url;
  }

  @Override
  public Enumeration<URL> findResources(String name) throws IOException {
    if (!LegacyExtensionFinder.EXTENSIONS_RESOURCE.equals(name)) {
      try {
        addNestedLibraries();
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
    }
    return super.findResources(name);
  }

  /** Adds the nested libraries unless done already; true when this call added any. */
  private boolean addNestedLibraries() {
    if (nestedAdded) {
      return false;
    }
    synchronized (nested) {
      if (nestedAdded) {
        return false;
      }
      for (Path jar : nested.extract()) {
        addFile(jar.toFile());
      }
      nestedAdded = true;
      return true;
    }
  }

  @Override
  protected boolean shouldDelegateToParent(String className) {
    for (String prefix : HOST_PACKAGES) {
      if (className.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
