package dev.bowline.kernel.plugin;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import org.pf4j.Plugin;
import org.pf4j.PluginFactory;
import org.pf4j.PluginRuntimeException;
import org.pf4j.PluginWrapper;

/**
 * Makes a plugin's {@code Plugin-Class} instance, and when it cannot, throws an exception that
 * says why (PF4J's default factory logs and returns null, which later surfaces as a bare
 * NullPointerException). The plugin manager catches the exception and marks the plugin FAILED.
 *
 * <p>Stateless and thread-safe.
 */
final class ExplainingPluginFactory implements PluginFactory {

  @Override
  public Plugin create(PluginWrapper wrapper) {
    String className = wrapper.getDescriptor().getPluginClass();
    Class<?> pluginClass;
    try {
      pluginClass = wrapper.getPluginClassLoader().loadClass(className);
    } catch (ClassNotFoundException | LinkageError e) {
      throw new PluginRuntimeException(
          "Plugin-Class '" + className + "' cannot be loaded: " + Failures.describe(e));
    }
    int modifiers = pluginClass.getModifiers();
    if (!Plugin.class.isAssignableFrom(pluginClass)
        || Modifier.isAbstract(modifiers)
        || Modifier.isInterface(modifiers)) {
      throw new PluginRuntimeException(
          "Plugin-Class '" + className + "' is not a concrete subclass of org.pf4j.Plugin");
    }
    try {
      try {
        Constructor<?> withWrapper = pluginClass.getConstructor(PluginWrapper.class);
        return (Plugin) withWrapper.newInstance(wrapper);
      } catch (NoSuchMethodException e) {
        return (Plugin) pluginClass.getConstructor().newInstance();
      }
    } catch (NoSuchMethodException e) {
      throw new PluginRuntimeException(
          "Plugin-Class '" + className + "' has no public no-argument constructor");
    } catch (InvocationTargetException e) {
      throw new PluginRuntimeException(
          "Plugin-Class '" + className + "' constructor threw " + Failures.describe(e.getCause()));
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new PluginRuntimeException(
          "Plugin-Class '" + className + "' cannot be instantiated: " + Failures.describe(e));
    }
  }
}
