package dev.bowline.kernel.pilot.config;

import java.util.Objects;

/**
 * One error or warning about a document: the field path it concerns (such as {@code
 * spec.http[0].route}; empty for the document as a whole) and what is wrong with it. Immutable.
 *
 * @param path the field path from the document root, empty for the whole document
 * @param message what is wrong, in words an operator reads
 */
public record Problem(String path, String message) {

  public Problem {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
  }

  /** {@code path: message}, or the message alone when the path is empty. */
  @Override
  public String toString() {
    return path.isEmpty() ? message : path + ": " + message;
  }
}
