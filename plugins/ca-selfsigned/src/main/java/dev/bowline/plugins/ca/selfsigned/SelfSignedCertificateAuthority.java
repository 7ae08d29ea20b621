package dev.bowline.plugins.ca.selfsigned;

import dev.bowline.plugins.ca.issuing.LeafIssuer;
import dev.bowline.plugins.ca.issuing.LeafLifetime;
import dev.bowline.spi.ca.CertificateAuthority;
import dev.bowline.spi.ca.CertificateAuthorityException;
import dev.bowline.spi.ca.RootRotation;
import dev.bowline.spi.model.SpiffeId;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The running {@code bowline.ca.selfsigned} CA. {@link #sign} refuses identities outside the
 * configured trust domain and negative lifetimes, takes the default lifetime for a null or zero
 * one, shortens it to the configured maximum and to the signer's own expiry, builds the leaf with
 * {@link LeafIssuer}, and checks the result with {@link SvidRules}: a leaf that breaks a rule is
 * never returned (that would be a bug, reported as a failure). It can rotate its root ({@link
 * #rootRotation()}, {@link SelfSignedRootRotation}).
 *
 * <p><b>Threading.</b> Thread-safe: signing may run on many threads at once, and concurrently with
 * a rotation step. Each signature reads the rotation's immutable {@link SigningState} once and
 * signs and checks against that state alone.
 */
final class SelfSignedCertificateAuthority implements CertificateAuthority {

  private final SelfSignedCaConfig config;
  private final SelfSignedRootRotation rotation;
  private final Clock clock;

  SelfSignedCertificateAuthority(
      SelfSignedCaConfig config, SelfSignedRootRotation rotation, Clock clock) {
    this.config = config;
    this.rotation = rotation;
    this.clock = clock;
  }

  @Override
  public List<X509Certificate> sign(byte[] csrDer, SpiffeId identity, Duration ttl)
      throws CertificateAuthorityException {
    Objects.requireNonNull(csrDer, "csrDer");
    Objects.requireNonNull(identity, "identity");
    SigningState state = rotation.state();
    IssuingMaterial material = state.signing();
    Instant now = clock.instant();
    Instant signerExpiry = material.signer().certificate().getNotAfter().toInstant();
    Instant notAfter = LeafLifetime.notAfter(identity, config.trustDomain(), ttl,
        config.defaultTtl(), config.maxTtl(), now, signerExpiry);
    List<X509Certificate> chain = new ArrayList<>(2);
    chain.add(state.issuer().issue(csrDer, identity, now, notAfter));
    if (material.intermediate() != null) {
      chain.add(material.intermediate());
    }
    List<String> broken = SvidRules.violations(chain, identity, state.trustBundle(), now);
    if (!broken.isEmpty()) {
      throw new CertificateAuthorityException(
          "refusing to return a certificate that breaks the X.509-SVID rules (a bug): " + broken);
    }
    return List.copyOf(chain);
  }

  @Override
  public List<X509Certificate> trustBundle() {
    return rotation.state().trustBundle();
  }

  @Override
  public Optional<RootRotation> rootRotation() {
    return Optional.of(rotation);
  }

  @Override
  public String toString() {
    return "bowline.ca.selfsigned{trustDomain=" + config.trustDomain() + "}";
  }
}
