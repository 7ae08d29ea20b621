package dev.bowline.plugins.ca.file;

import dev.bowline.plugins.ca.issuing.LeafIssuer;
import dev.bowline.plugins.ca.issuing.LeafLifetime;
import dev.bowline.spi.ca.CertificateAuthority;
import dev.bowline.spi.ca.CertificateAuthorityException;
import dev.bowline.spi.model.SpiffeId;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The running {@code bowline.ca.file} CA. {@link #sign} refuses identities outside the configured
 * trust domain and negative lifetimes, takes the default lifetime for a null or zero one, shortens
 * it to the configured maximum and to the earliest expiry in the operator's chain, and returns the
 * leaf, the signing CA (unless it is itself a root) and the intermediates above it.
 *
 * <p><b>Threading.</b> Thread-safe: immutable state; signing may run on many threads at once.
 */
final class FileCertificateAuthority implements CertificateAuthority {

  private final FileCaConfig config;
  private final FileCaMaterial material;
  private final LeafIssuer issuer;
  private final Clock clock;
  private final List<X509Certificate> above;

  FileCertificateAuthority(FileCaConfig config, FileCaMaterial material, Clock clock) {
    this.config = config;
    this.material = material;
    this.clock = clock;
    this.issuer = new LeafIssuer(material.signer(), material.key());
    List<X509Certificate> chain = new ArrayList<>();
    if (!material.roots().contains(material.signer())) {
      chain.add(material.signer());
    }
    chain.addAll(material.intermediates());
    this.above = List.copyOf(chain);
  }

  @Override
  public List<X509Certificate> sign(byte[] csrDer, SpiffeId identity, Duration ttl)
      throws CertificateAuthorityException {
    Objects.requireNonNull(csrDer, "csrDer");
    Objects.requireNonNull(identity, "identity");
    Instant now = clock.instant();
    Instant notAfter = LeafLifetime.notAfter(identity, config.trustDomain(), ttl,
        config.defaultTtl(), config.maxTtl(), now, material.chainExpiry());
    List<X509Certificate> chain = new ArrayList<>(1 + above.size());
    chain.add(issuer.issue(csrDer, identity, now, notAfter));
    chain.addAll(above);
    return List.copyOf(chain);
  }

  @Override
  public List<X509Certificate> trustBundle() {
    return material.roots();
  }

  @Override
  public String toString() {
    return "bowline.ca.file{trustDomain="
        + config.trustDomain()
        + ", certChainFile="
        + config.certChainFile()
        + "}";
  }
}
