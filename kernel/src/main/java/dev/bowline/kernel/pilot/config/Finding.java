package dev.bowline.kernel.pilot.config;

import java.util.Objects;

/**
 * One problem {@link ConfigAnalyzer} found across resources: its severity, the resource and field
 * it concerns and what is wrong. Immutable.
 *
 * @param severity how bad it is
 * @param key the resource the finding is about
 * @param path the field path in that resource, such as {@code spec.http[0].route[1].destination.subset}
 * @param message what is wrong
 */
public record Finding(Severity severity, ConfigKey key, String path, String message) {

  /** How bad a finding is. */
  public enum Severity {
    /** Traffic will not go where the config says. */
    ERROR,
    /** Probably a mistake, or a dependency not there yet. */
    WARNING
  }

  public Finding {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
  }

  /** {@code ERROR VirtualService default/reviews: spec.hosts[0]: ...}. */
  @Override
  public String toString() {
    return severity + " " + key.kind().kind() + " " + key.namespace() + "/" + key.name() + ": "
        + (path.isEmpty() ? "" : path + ": ") + message;
  }
}
