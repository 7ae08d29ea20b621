package dev.bowline.plugins.ca.file;

import dev.bowline.spi.model.SpiffeId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The validated configuration of {@code bowline.ca.file}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param trustDomain the SPIFFE trust domain the CA issues for (default {@code cluster.local});
 *     identities of any other trust domain are refused
 * @param certChainFile PEM: the signing CA's certificate first, then the certificates above it (the
 *     root may end the file or be left out)
 * @param keyFile PEM: the signing CA's private key, PKCS#8 or traditional EC/RSA, unencrypted
 * @param rootCertFile PEM: the trust bundle, one or more roots; when empty the root that ends
 *     {@code certChainFile}
 * @param defaultTtl the lifetime of a leaf when the caller asks for none (default 24h)
 * @param maxTtl the longest lifetime of a leaf (default 90 days); longer requests are shortened
 */
public record FileCaConfig(
    String trustDomain,
    Path certChainFile,
    Path keyFile,
    Optional<Path> rootCertFile,
    Duration defaultTtl,
    Duration maxTtl) {

  public static final String DEFAULT_TRUST_DOMAIN = "cluster.local";
  public static final Duration DEFAULT_TTL = Duration.ofHours(24);
  public static final Duration DEFAULT_MAX_TTL = Duration.ofDays(90);

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException if one is out of range (operator input should go through
   *     {@link FileCaFactory#parseConfig(java.util.Map)}, which reports instead)
   */
  public FileCaConfig {
    new SpiffeId(trustDomain, "");
    Objects.requireNonNull(certChainFile, "certChainFile");
    Objects.requireNonNull(keyFile, "keyFile");
    Objects.requireNonNull(rootCertFile, "rootCertFile");
    if (defaultTtl.isNegative() || defaultTtl.isZero() || maxTtl.compareTo(defaultTtl) < 0) {
      throw new IllegalArgumentException(
          "need 0 < defaultTtl <= maxTtl, not " + defaultTtl + " and " + maxTtl);
    }
  }
}
