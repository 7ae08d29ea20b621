package dev.bowline.proxy.tls;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Offers the workload certificate held at the moment of each handshake (Istio's SDS secret {@code
 * default}), so a renewed certificate is presented by the next handshake without rebuilding any
 * TLS context, and connections already open are untouched.
 *
 * <p>The JDK asks for an alias first and for the chain and the key of that alias afterwards; a
 * certificate installed in between must not pair the old chain with the new key. Each certificate
 * seen therefore gets an alias of its own, and the previous one stays resolvable, so a handshake
 * that chose an alias gets that alias's chain and key even if a renewal lands meanwhile.
 *
 * <p>Without a certificate (none installed yet) no alias is offered and the handshake fails; as for
 * file certificates, the key type the handshake asks for must be the workload key's.
 *
 * <p><b>Threading.</b> Thread-safe and lock-free; shared by all engines of a context.
 */
final class WorkloadKeyManager extends AliasKeyManager {

  private static final String ALIAS_PREFIX = "bowline-workload-";

  /** A certificate with its alias, and the one before it (whose own predecessor is dropped). */
  private record Generation(CertifiedKey key, String alias, Generation previous) {}

  private final WorkloadSecretSource secrets;
  private final AtomicReference<Generation> latest = new AtomicReference<>();
  private final AtomicLong aliases = new AtomicLong();

  WorkloadKeyManager(WorkloadSecretSource secrets) {
    this.secrets = secrets;
  }

  /** The alias of the certificate held now if its key is of one of these types, else null. */
  @Override
  protected String choose(String... keyTypes) {
    Optional<CertifiedKey> current = secrets.certificate();
    if (current.isEmpty() || keyTypes == null) {
      return null;
    }
    CertifiedKey key = current.get();
    boolean typeMatches = false;
    for (String keyType : keyTypes) {
      typeMatches |= key.keyAlgorithm().equals(keyType);
    }
    if (!typeMatches) {
      return null;
    }
    Generation generation =
        latest.updateAndGet(
            g ->
                g != null && g.key() == key
                    ? g
                    : new Generation(
                        key,
                        ALIAS_PREFIX + aliases.incrementAndGet(),
                        g == null ? null : new Generation(g.key(), g.alias(), null)));
    return generation.alias();
  }

  @Override
  protected CertifiedKey byAlias(String alias) {
    Generation generation = latest.get();
    if (alias == null || generation == null) {
      return null;
    }
    if (generation.alias().equals(alias)) {
      return generation.key();
    }
    Generation previous = generation.previous();
    return previous != null && previous.alias().equals(alias) ? previous.key() : null;
  }
}
