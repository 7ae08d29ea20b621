package dev.bowline.kernel.citadel;

import dev.bowline.spi.model.Names;
import java.time.Instant;
import java.util.Objects;

/**
 * What a join token proves: that its bearer may get a certificate for service account {@code
 * serviceAccount} in {@code namespace} until {@code expiresAt}, unless revoked. The secret part of
 * the token is not in here: Citadel keeps only its SHA-256. Immutable.
 *
 * @param id the token's public name, shown by {@code bowlinectl token list} and used to revoke it
 */
public record JoinToken(String id, String namespace, String serviceAccount, Instant expiresAt) {

  public JoinToken {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Names.requireNamespace(namespace);
    Names.requireLabel("serviceAccount", serviceAccount);
  }
}
