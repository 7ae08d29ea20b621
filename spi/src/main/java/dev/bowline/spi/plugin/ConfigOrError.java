package dev.bowline.spi.plugin;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Either a parsed configuration value or the errors that prevented parsing: the result of
 * {@link NamedFactory#parseConfig(java.util.Map)}. Parsing never throws for bad input.
 *
 * <p>Immutable and thread-safe.
 *
 * @param <C> the configuration type
 */
public final class ConfigOrError<C> {

  private final C value;
  private final List<ConfigError> errors;

  private ConfigOrError(C value, List<ConfigError> errors) {
    this.value = value;
    this.errors = errors;
  }

  /** A successfully parsed value. */
  public static <C> ConfigOrError<C> of(C value) {
    return new ConfigOrError<>(Objects.requireNonNull(value, "value"), List.of());
  }

  /** A failure with one error on {@code field}. */
  public static <C> ConfigOrError<C> error(String field, String message) {
    return errors(List.of(new ConfigError(field, message)));
  }

  /** A failure with one or more errors. */
  public static <C> ConfigOrError<C> errors(List<ConfigError> errors) {
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a failed ConfigOrError needs at least one error");
    }
    return new ConfigOrError<>(null, List.copyOf(errors));
  }

  /** Whether parsing succeeded. */
  public boolean isOk() {
    return errors.isEmpty();
  }

  /**
   * The parsed value.
   *
   * @throws IllegalStateException if parsing failed; the message lists the errors
   */
  public C value() {
    if (!isOk()) {
      throw new IllegalStateException("configuration is invalid: " + describeErrors());
    }
    return value;
  }

  /** The errors; empty when parsing succeeded. */
  public List<ConfigError> errors() {
    return errors;
  }

  /** Applies {@code mapper} to a successful value; passes errors through unchanged. */
  public <D> ConfigOrError<D> map(Function<? super C, ? extends D> mapper) {
    return isOk() ? ConfigOrError.of(mapper.apply(value)) : new ConfigOrError<>(null, errors);
  }

  /** The errors as one line, such as {@code "choiceCount: must be at least 2; bias: ..."}. */
  public String describeErrors() {
    return errors.stream().map(ConfigError::toString).collect(Collectors.joining("; "));
  }

  @Override
  public String toString() {
    return isOk() ? "ConfigOrError{value=" + value + "}" : "ConfigOrError{errors=" + errors + "}";
  }
}
