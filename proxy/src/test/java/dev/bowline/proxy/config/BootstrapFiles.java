package dev.bowline.proxy.config;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Locates the sample bootstraps under {@code src/test/resources/bootstrap}. */
final class BootstrapFiles {

  private BootstrapFiles() {}

  static Path sample(String name) {
    URL url = BootstrapFiles.class.getResource("/bootstrap/" + name);
    if (url == null) {
      throw new IllegalArgumentException("no sample bootstrap " + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
