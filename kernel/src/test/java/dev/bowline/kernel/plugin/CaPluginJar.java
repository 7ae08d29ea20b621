package dev.bowline.kernel.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The real {@code ca-selfsigned} plugin for tests that run a control plane: the plugin's jar (a
 * test-scoped dependency of the kernel, so the kernel's code never sees it) is found on the test
 * class path and copied into a test's plugins directory, where the plugin host loads it as it
 * loads any plugin.
 */
public final class CaPluginJar {

  private static final String MARKER = "dev/bowline/plugins/ca/selfsigned/SelfSignedCaFactory.class";

  private CaPluginJar() {}

  /**
   * Copies the plugin into {@code pluginsDir} (made if missing) and returns {@code pluginsDir}.
   *
   * @throws IllegalStateException when the plugin's jar is not on the class path (a build that
   *     did not package it)
   */
  public static Path installInto(Path pluginsDir) {
    URL marker = ClassLoader.getSystemResource(MARKER);
    if (marker == null || !"jar".equals(marker.getProtocol())) {
      throw new IllegalStateException("the ca-selfsigned plugin jar is not on the test class path (found "
          + marker + "); build it first (mvn install packages each module before the kernel's tests)");
    }
    String spec = marker.getPath();
    try {
      Path jar = Path.of(new URL(spec.substring(0, spec.indexOf("!/"))).toURI());
      Files.createDirectories(pluginsDir);
      Files.copy(jar, pluginsDir.resolve("ca-selfsigned.jar"), StandardCopyOption.REPLACE_EXISTING);
      return pluginsDir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("unexpected class path entry " + spec, e);
    }
  }
}
