package dev.bowline.plugins.ca.file;

import dev.bowline.plugins.ca.issuing.CaConfigFields;
import dev.bowline.spi.plugin.ConfigError;
import dev.bowline.spi.plugin.ConfigOrError;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Turns the raw configuration tree of {@code bowline.ca.file} into a {@link FileCaConfig},
 * reporting every problem with the field it concerns. Fields: {@code certChainFile} and {@code
 * keyFile} (required paths), {@code rootCertFile} (optional path), {@code trustDomain}, {@code
 * defaultTtl} and {@code maxTtl} (durations such as {@code 24h}). Any other key is an error. The
 * files are read when the CA starts, not here.
 *
 * <p>Stateless and thread-safe; never throws for bad input.
 */
final class FileCaConfigParser {

  static final String TRUST_DOMAIN = "trustDomain";
  static final String CERT_CHAIN_FILE = "certChainFile";
  static final String KEY_FILE = "keyFile";
  static final String ROOT_CERT_FILE = "rootCertFile";
  static final String DEFAULT_TTL = "defaultTtl";
  static final String MAX_TTL = "maxTtl";
  private static final List<String> FIELDS =
      List.of(CERT_CHAIN_FILE, DEFAULT_TTL, KEY_FILE, MAX_TTL, ROOT_CERT_FILE, TRUST_DOMAIN);

  private FileCaConfigParser() {}

  static ConfigOrError<FileCaConfig> parse(Map<String, ?> raw) {
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
            raw.get(TRUST_DOMAIN), TRUST_DOMAIN, FileCaConfig.DEFAULT_TRUST_DOMAIN, errors);
    Path chain = path(raw, CERT_CHAIN_FILE, true, errors);
    Path key = path(raw, KEY_FILE, true, errors);
    Path roots = path(raw, ROOT_CERT_FILE, false, errors);
    Duration defaultTtl =
        CaConfigFields.duration(raw, DEFAULT_TTL, FileCaConfig.DEFAULT_TTL, errors);
    Duration maxTtl = CaConfigFields.duration(raw, MAX_TTL, FileCaConfig.DEFAULT_MAX_TTL, errors);
    if (errors.isEmpty() && maxTtl.compareTo(defaultTtl) < 0) {
      errors.add(new ConfigError(MAX_TTL, "must be at least defaultTtl (" + defaultTtl + ")"));
    }
    if (!errors.isEmpty()) {
      return ConfigOrError.errors(errors);
    }
    return ConfigOrError.of(
        new FileCaConfig(trustDomain, chain, key, Optional.ofNullable(roots), defaultTtl, maxTtl));
  }

  private static Path path(
      Map<String, ?> raw, String field, boolean required, List<ConfigError> errors) {
    Object value = raw.get(field);
    if (value == null) {
      if (required) {
        errors.add(new ConfigError(field, "required: the path of a PEM file"));
      }
      return null;
    }
    if (!(value instanceof String text) || text.isBlank()) {
      errors.add(
          new ConfigError(
              field, "must be the path of a PEM file, not " + CaConfigFields.describe(value)));
      return null;
    }
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      errors.add(new ConfigError(field, "'" + text + "' is not a path: " + e.getMessage()));
      return null;
    }
  }
}
