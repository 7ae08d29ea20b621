package dev.bowline.spi.model;

import java.util.regex.Pattern;

/**
 * Validation of Kubernetes-style names (RFC 1123 labels) shared by the model types and by whoever
 * takes such names from a user. Stateless.
 */
public final class Names {

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private Names() {}

  /**
   * Returns {@code namespace}.
   *
   * @throws IllegalArgumentException it is not a DNS label; the message names the field
   */
  public static String requireNamespace(String namespace) {
    return requireLabel("namespace", namespace);
  }

  /**
   * Returns {@code value}.
   *
   * @throws IllegalArgumentException it is not a DNS label; the message names {@code field}
   */
  public static String requireLabel(String field, String value) {
    if (value == null || !DNS_LABEL.matcher(value).matches()) {
      throw new IllegalArgumentException(
          field + " '" + value + "' is not a DNS label (lowercase letters, digits and '-', 1-63)");
    }
    return value;
  }
}
