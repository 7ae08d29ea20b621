package dev.bowline.plugins.ca.issuing;

import dev.bowline.spi.ca.CertificateAuthorityException;
import dev.bowline.spi.model.SpiffeId;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What every CA plugin checks before it issues a leaf, and the leaf's {@code notAfter}: the
 * identity must be of the CA's trust domain; the lifetime is the one asked for (the default when
 * none), capped at the maximum and at the expiry of the CA certificates above the leaf, in whole
 * seconds (X.509 times have no fraction). Stateless.
 */
public final class LeafLifetime {

  private LeafLifetime() {}

  /**
   * The {@code notAfter} of a leaf for {@code identity} asked to live {@code ttl} (null or zero:
   * {@code defaultTtl}) from {@code now}, under CA certificates that expire at {@code caExpiry}.
   *
   * @throws CertificateAuthorityException the identity is of another trust domain, the lifetime is
   *     negative or ends before the next whole second, or the CA has expired
   */
  public static Instant notAfter(SpiffeId identity, String trustDomain, Duration ttl,
      Duration defaultTtl, Duration maxTtl, Instant now, Instant caExpiry)
      throws CertificateAuthorityException {
    if (!identity.trustDomain().equals(trustDomain)) {
      throw new CertificateAuthorityException(
          "identity " + identity + " is outside this CA's trust domain " + trustDomain);
    }
    if (ttl != null && ttl.isNegative()) {
      throw new CertificateAuthorityException("requested lifetime " + ttl + " is negative");
    }
    Duration lifetime = ttl == null || ttl.isZero() ? defaultTtl : ttl;
    if (lifetime.compareTo(maxTtl) > 0) {
      lifetime = maxTtl;
    }
    if (!caExpiry.isAfter(now)) {
      throw new CertificateAuthorityException("the signing CA expired at " + caExpiry);
    }
    Instant notAfter = now.plus(lifetime).isAfter(caExpiry) ? caExpiry : now.plus(lifetime);
    notAfter = notAfter.truncatedTo(ChronoUnit.SECONDS);
    if (!notAfter.isAfter(now)) {
      throw new CertificateAuthorityException("requested lifetime " + ttl + " is too short");
    }
    return notAfter;
  }
}
