package dev.bowline.proxy.config;

import java.util.List;
import java.util.Optional;

/**
 * Configuration the proxy cannot run with. Each problem names the path of the offending field, such
 * as {@code static_resources.listeners[0].filter_chains[0].filters[0].typed_config.codec_type}.
 * When the configuration came from a file, {@link #source()} names it and the message starts with
 * it.
 */
public final class ConfigException extends Exception {

  private static final long serialVersionUID = 1L;

  private final List<String> problems;
  private final String source;

  public ConfigException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
    this.source = null;
  }

  public ConfigException(String problem) {
    this(List.of(problem));
  }

  /**
   * Problems found in a named source, such as a bootstrap file. The message reads
   * {@code source: problem} for one problem, and {@code source: N problems:} followed by one
   * indented line per problem otherwise.
   *
   * @param source what was read, such as the file's path
   * @param problems the problems, each starting with the field path
   */
  public ConfigException(String source, List<String> problems) {
    super(message(source, problems));
    this.problems = List.copyOf(problems);
    this.source = source;
  }

  private static String message(String source, List<String> problems) {
    if (problems.size() == 1) {
      return source + ": " + problems.get(0);
    }
    return source + ": " + problems.size() + " problems:\n  " + String.join("\n  ", problems);
  }

  /** Each problem, one line each, starting with the field path. */
  public List<String> problems() {
    return problems;
  }

  /** The file (or other source) the configuration was read from, when known. */
  public Optional<String> source() {
    return Optional.ofNullable(source);
  }
}
