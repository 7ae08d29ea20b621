package dev.bowline.spi.model;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A DNS name that identifies a service in the mesh, such as {@code reviews.default.svc.cluster.local}
 * or {@code api.example.com}, or a wildcard such as {@code *.example.com} or {@code *}. Stored in
 * lowercase; compared case-insensitively, as DNS is.
 *
 * @param value the lowercase name
 */
public record Hostname(String value) implements Comparable<Hostname> {

  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  public Hostname {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("hostname must not be empty");
    }
    value = value.toLowerCase(Locale.ROOT);
    if (value.endsWith(".")) {
      value = value.substring(0, value.length() - 1);
    }
    if (value.length() > 253) {
      throw new IllegalArgumentException("hostname '" + value + "' is longer than 253 characters");
    }
    if (!value.equals("*")) {
      String[] labels = value.split("\\.", -1);
      for (int i = 0; i < labels.length; i++) {
        boolean wildcard = i == 0 && labels[i].equals("*");
        if (!wildcard && !LABEL.matcher(labels[i]).matches()) {
          throw new IllegalArgumentException(
              "hostname '" + value + "' has an invalid label '" + labels[i]
                  + "': labels are 1-63 letters, digits or '-', and only the first may be '*'");
        }
      }
    }
  }

  /** Parses a hostname; equivalent to the constructor. */
  public static Hostname of(String value) {
    return new Hostname(value);
  }

  /** Whether this is a wildcard ({@code *} or {@code *.suffix}). */
  public boolean isWildcard() {
    return value.startsWith("*");
  }

  /**
   * Whether this name, possibly a wildcard, covers {@code other}: {@code *.example.com} matches
   * {@code a.example.com} and {@code a.b.example.com} but not {@code example.com}; {@code *}
   * matches everything.
   */
  public boolean matches(Hostname other) {
    if (value.equals("*")) {
      return true;
    }
    if (isWildcard()) {
      String suffix = value.substring(1);
      return other.value.endsWith(suffix) && other.value.length() > suffix.length();
    }
    return value.equals(other.value);
  }

  @Override
  public int compareTo(Hostname o) {
    return value.compareTo(o.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
