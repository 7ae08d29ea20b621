package dev.bowline.plugins.ca.selfsigned;

import dev.bowline.spi.model.SpiffeId;
import java.time.Duration;
import java.util.Objects;

/**
 * The validated configuration of {@code bowline.ca.selfsigned}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param trustDomain the SPIFFE trust domain the CA issues for and names in its root (default
 *     {@code cluster.local}); identities of any other trust domain are refused
 * @param defaultTtl the lifetime of a leaf when the caller asks for none (default 24h)
 * @param maxTtl the longest lifetime of a leaf (default 90 days); longer requests are shortened
 * @param keyAlgorithm the key of a root or intermediate the CA makes (default {@link
 *     KeyAlgorithm#EC})
 * @param intermediate whether leaves are signed by an intermediate under the root (default false)
 */
public record SelfSignedCaConfig(
    String trustDomain,
    Duration defaultTtl,
    Duration maxTtl,
    KeyAlgorithm keyAlgorithm,
    boolean intermediate) {

  public static final String DEFAULT_TRUST_DOMAIN = "cluster.local";
  public static final Duration DEFAULT_TTL = Duration.ofHours(24);
  public static final Duration DEFAULT_MAX_TTL = Duration.ofDays(90);

  /** The configuration used when the operator gives none. */
  public static final SelfSignedCaConfig DEFAULT =
      new SelfSignedCaConfig(
          DEFAULT_TRUST_DOMAIN, DEFAULT_TTL, DEFAULT_MAX_TTL, KeyAlgorithm.EC, false);

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException if one is out of range (operator input should go through
   *     {@link SelfSignedCaFactory#parseConfig(java.util.Map)}, which reports instead)
   */
  public SelfSignedCaConfig {
    new SpiffeId(trustDomain, "");
    Objects.requireNonNull(keyAlgorithm, "keyAlgorithm");
    if (defaultTtl.isNegative() || defaultTtl.isZero() || maxTtl.compareTo(defaultTtl) < 0) {
      throw new IllegalArgumentException(
          "need 0 < defaultTtl <= maxTtl, not " + defaultTtl + " and " + maxTtl);
    }
  }
}
