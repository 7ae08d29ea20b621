package dev.bowline.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of this Bowline build, from the {@code version.properties} resource that the build
 * fills in.
 *
 * <p>Immutable and thread-safe.
 */
public final class BowlineVersion {

  private static final String VERSION = load();

  private BowlineVersion() {}

  /** The full version, such as {@code 0.1.0-SNAPSHOT}. */
  public static String current() {
    return VERSION;
  }

  /**
   * The release part of the version ({@code 0.1.0} for {@code 0.1.0-SNAPSHOT}), which plugins'
   * {@code Plugin-Requires} constraints are checked against: a development build satisfies
   * {@code >=0.1.0} just as the release will.
   */
  public static String release() {
    return releaseOf(VERSION);
  }

  static String releaseOf(String version) {
    int dash = version.indexOf('-');
    return dash < 0 ? version : version.substring(0, dash);
  }

  private static String load() {
    try (InputStream in = BowlineVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        throw new IllegalStateException("version.properties is missing from the kernel jar");
      }
      Properties props = new Properties();
      props.load(in);
      return props.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
