package dev.bowline.proxy.config;

import com.google.protobuf.Message;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The supported-subset check of {@link SupportedFields} for the configurations of Bowline's
 * built-in HTTP filters (fault injection, CORS, local rate limit) and the route {@code rate_limits}
 * they read, where they appear inside a route configuration ({@code typed_per_filter_config}),
 * which the route compiler checks rather than the bootstrap's validator. One allowlist for both
 * places: a field set and not listed is reported as {@code <path>: not supported by Bowline yet}.
 *
 * <p>Stateless and thread-safe.
 */
public final class BuiltinFilterFields {

  private static final Map<String, FieldSet> BY_TYPE =
      Stream.of(
              SupportedFields.HTTP_FAULT,
              SupportedFields.CORS,
              SupportedFields.CORS_POLICY,
              SupportedFields.LOCAL_RATE_LIMIT,
              SupportedFields.RATE_LIMIT)
          .collect(Collectors.toUnmodifiableMap(s -> s.type().getFullName(), Function.identity()));

  private BuiltinFilterFields() {}

  /**
   * Reports every field of {@code message} that is set and not supported, under {@code path}.
   *
   * @throws IllegalArgumentException if {@code message} is not one of the types above
   */
  public static void check(Message message, String path, Problems problems) {
    FieldSet set = BY_TYPE.get(message.getDescriptorForType().getFullName());
    if (set == null) {
      throw new IllegalArgumentException(
          "not a built-in filter type: " + message.getDescriptorForType().getFullName());
    }
    SupportedFieldsValidator.validate(message, set, path, problems);
  }
}
