package dev.bowline.spi.plugin;

import java.util.regex.Pattern;

/**
 * Rules for the canonical dotted names of extensions, such as {@code bowline.lb.least_request}.
 * A name has at least two segments; each segment starts with a lowercase letter and continues with
 * lowercase letters, digits and underscores.
 *
 * <p>Stateless and thread-safe.
 */
public final class CanonicalName {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");

  private CanonicalName() {}

  /** Whether {@code name} is a well-formed canonical name. */
  public static boolean isValid(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /**
   * Returns {@code name} when it is well formed.
   *
   * @throws IllegalArgumentException naming the bad value and the rule it breaks
   */
  public static String require(String name) {
    if (!isValid(name)) {
      throw new IllegalArgumentException(
          "extension name '" + name + "' is not a canonical dotted name such as"
              + " 'bowline.lb.round_robin' (lowercase segments of letters, digits and '_',"
              + " at least two, separated by '.')");
    }
    return name;
  }
}
