package dev.bowline.spi.plugin;

import java.util.Objects;

/**
 * One problem found in configuration: the path of the offending field (dotted, with list indices
 * in brackets, such as {@code choiceCount} or {@code endpoints[2].weight}) and what is wrong.
 *
 * @param field the path of the field, or the empty string for the configuration as a whole
 * @param message what is wrong and, where possible, what would be right
 */
public record ConfigError(String field, String message) {

  public ConfigError {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return field.isEmpty() ? message : field + ": " + message;
  }
}
