package dev.bowline.spi.ca;

import dev.bowline.spi.model.SpiffeId;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Signs workload certificates. Citadel authenticates the caller and decides the identity; the CA
 * only signs, and must put exactly that identity in the certificate whatever the CSR asks for.
 *
 * <p><b>Threading.</b> Thread-safe. {@link #sign} may block (an HSM, a remote CA): Citadel calls
 * it on a worker thread, never on an event loop.
 */
public interface CertificateAuthority extends AutoCloseable {

  /**
   * Signs a workload certificate.
   *
   * @param csrDer a PKCS#10 certificate signing request, DER-encoded; only its public key is used
   * @param identity the identity Citadel authenticated, which becomes the only URI SAN
   * @param ttl the requested lifetime; the CA may shorten it, never lengthen it; zero asks for the
   *     CA's default lifetime
   * @return the chain: the leaf first, then intermediates, not including the root
   * @throws CertificateAuthorityException if the CSR is malformed or signing fails, with the reason
   */
  List<X509Certificate> sign(byte[] csrDer, SpiffeId identity, Duration ttl)
      throws CertificateAuthorityException;

  /**
   * The roots that verify what this CA issues (several during a root rotation), the root that
   * signs new leaves first.
   */
  List<X509Certificate> trustBundle();

  /**
   * How this CA replaces its root, if it can: a CA that makes its own root (the self-signed one)
   * can; one that signs with an operator's key (from files, an HSM) leaves rotation to the
   * operator and returns empty.
   */
  default Optional<RootRotation> rootRotation() {
    return Optional.empty();
  }

  /** Releases resources; called once by the host. */
  @Override
  default void close() {}
}
