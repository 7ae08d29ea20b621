package dev.bowline.kernel.cli;

import java.nio.file.Path;

/**
 * Where Bowline is installed: the {@code bowline.home} system property that the launchers in
 * {@code bin/} set, or the working directory when run from a build. The defaults of the plugins
 * directory ({@code <home>/plugins}) and of the configuration file ({@code <home>/conf/bowline.yaml})
 * hang off it.
 */
final class BowlineHome {

  private BowlineHome() {}

  static Path dir() {
    String home = System.getProperty("bowline.home");
    return (home == null || home.isBlank() ? Path.of("") : Path.of(home)).toAbsolutePath().normalize();
  }

  static Path defaultConfigFile() {
    return dir().resolve("conf").resolve("bowline.yaml");
  }
}
