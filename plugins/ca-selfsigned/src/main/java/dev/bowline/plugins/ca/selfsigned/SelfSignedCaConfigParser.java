package dev.bowline.plugins.ca.selfsigned;

import dev.bowline.plugins.ca.issuing.CaConfigFields;
import dev.bowline.spi.plugin.ConfigError;
import dev.bowline.spi.plugin.ConfigOrError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Turns the raw configuration tree of {@code bowline.ca.selfsigned} into a {@link
 * SelfSignedCaConfig}, reporting every problem with the field it concerns. Fields: {@code
 * trustDomain}, {@code defaultTtl}, {@code maxTtl} (durations such as {@code 24h}), {@code
 * keyAlgorithm} ({@code EC} or {@code RSA}) and {@code intermediate} (a boolean). Any other key is
 * an error, never silently ignored; an absent or null field takes its default.
 *
 * <p>Stateless and thread-safe; never throws for bad input.
 */
final class SelfSignedCaConfigParser {

  static final String TRUST_DOMAIN = "trustDomain";
  static final String DEFAULT_TTL = "defaultTtl";
  static final String MAX_TTL = "maxTtl";
  static final String KEY_ALGORITHM = "keyAlgorithm";
  static final String INTERMEDIATE = "intermediate";
  private static final List<String> FIELDS =
      List.of(DEFAULT_TTL, INTERMEDIATE, KEY_ALGORITHM, MAX_TTL, TRUST_DOMAIN);

  private SelfSignedCaConfigParser() {}

  static ConfigOrError<SelfSignedCaConfig> parse(Map<String, ?> raw) {
    Objects.requireNonNull(raw, "raw");
    List<ConfigError> errors = new ArrayList<>();
    for (String key : new TreeSet<>(raw.keySet())) {
      if (!FIELDS.contains(key)) {
        errors.add(
            new ConfigError(key, "unknown field; known fields are " + String.join(", ", FIELDS)));
      }
    }
    String trustDomain =
        CaConfigFields.trustDomain(
            raw.get(TRUST_DOMAIN), TRUST_DOMAIN, SelfSignedCaConfig.DEFAULT_TRUST_DOMAIN, errors);
    Duration defaultTtl =
        CaConfigFields.duration(raw, DEFAULT_TTL, SelfSignedCaConfig.DEFAULT_TTL, errors);
    Duration maxTtl =
        CaConfigFields.duration(raw, MAX_TTL, SelfSignedCaConfig.DEFAULT_MAX_TTL, errors);
    KeyAlgorithm algorithm = keyAlgorithm(raw.get(KEY_ALGORITHM), errors);
    Object intermediate = raw.get(INTERMEDIATE);
    if (intermediate != null && !(intermediate instanceof Boolean)) {
      errors.add(
          new ConfigError(
              INTERMEDIATE, "must be true or false, not " + CaConfigFields.describe(intermediate)));
    }
    if (errors.isEmpty() && maxTtl.compareTo(defaultTtl) < 0) {
      errors.add(new ConfigError(MAX_TTL, "must be at least defaultTtl (" + defaultTtl + ")"));
    }
    if (!errors.isEmpty()) {
      return ConfigOrError.errors(errors);
    }
    return ConfigOrError.of(
        new SelfSignedCaConfig(
            trustDomain, defaultTtl, maxTtl, algorithm, Boolean.TRUE.equals(intermediate)));
  }

  private static KeyAlgorithm keyAlgorithm(Object value, List<ConfigError> errors) {
    if (value == null) {
      return KeyAlgorithm.EC;
    }
    for (KeyAlgorithm algorithm : KeyAlgorithm.values()) {
      if (algorithm.name().equals(value)) {
        return algorithm;
      }
    }
    errors.add(
        new ConfigError(KEY_ALGORITHM, "must be EC or RSA, not " + CaConfigFields.describe(value)));
    return KeyAlgorithm.EC;
  }
}
