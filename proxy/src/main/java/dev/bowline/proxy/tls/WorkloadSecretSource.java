package dev.bowline.proxy.tls;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * The proxy's own workload secrets as TLS contexts see them: Istio's SDS secrets {@code default}
 * (the workload certificate and its key) and {@code ROOTCA} (the trust bundle). TLS contexts that
 * name them call these methods at every handshake and never copy the values, so whatever is
 * current then is used: a new certificate or bundle applies to the next handshake, and connections
 * already open keep what they agreed on.
 *
 * <p>Implemented by {@link dev.bowline.proxy.identity.WorkloadSecrets}, which whoever keeps the
 * workload identity current updates.
 *
 * <p><b>Threading.</b> Implementations must be safe for any thread and must not block: they are
 * called on event loops, inside handshakes.
 */
public interface WorkloadSecretSource {

  /** The workload certificate (chain, leaf first) and key held now, if any. */
  Optional<CertifiedKey> certificate();

  /** The trusted roots now (several while a root is rotated); empty until a bundle arrives. */
  List<X509Certificate> trustBundle();
}
