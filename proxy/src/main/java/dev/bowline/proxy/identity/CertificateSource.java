package dev.bowline.proxy.identity;

import dev.bowline.proxy.tls.CertifiedKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where a proxy gets its workload certificate: Citadel ({@link CitadelCertificateSource}) or, in
 * tests, anything that signs.
 *
 * <p><b>Threading.</b> {@link #request} may be called from any thread, never twice at once by
 * {@link WorkloadIdentity}; the future completes on any thread.
 */
public interface CertificateSource {

  /**
   * Asks for a certificate for the key of {@code csrPem}.
   *
   * @param current the certificate held now, if any: a renewal proves itself with it
   * @return the chain, leaf first (it may end with the root)
   */
  CompletableFuture<List<X509Certificate>> request(String csrPem, Optional<CertifiedKey> current);
}
