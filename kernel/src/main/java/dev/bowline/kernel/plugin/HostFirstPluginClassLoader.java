package dev.bowline.kernel.plugin;

import java.util.List;
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

  HostFirstPluginClassLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader parent) {
    super(manager, descriptor, parent);
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
