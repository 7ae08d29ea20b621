package dev.bowline.proxy.identity;

import dev.bowline.proxy.tls.CertifiedKey;
import dev.bowline.proxy.tls.WorkloadSecretSource;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The secrets a proxy holds for its own workload: its certificate with the private key (Istio's
 * SDS secret {@value #CERTIFICATE}) and the trust bundle, the roots a peer's certificate must
 * chain to (Istio's {@value #TRUST_BUNDLE}). The bundle may hold several roots while a root is
 * being rotated.
 *
 * <p>TLS contexts read the secrets at every handshake instead of copying them, so an installed
 * certificate or bundle takes effect for the next handshake while connections already open keep
 * theirs. Whoever keeps the secrets current ({@link WorkloadIdentity}, the xDS client for the
 * bundle) installs them here.
 *
 * <p><b>Threading.</b> Safe for any number of threads: reads are volatile loads, installs replace
 * an immutable value and then notify listeners on the installing thread.
 */
public final class WorkloadSecrets implements WorkloadSecretSource {

  /** The SDS name of the workload certificate, as Istio names it. */
  public static final String CERTIFICATE = "default";

  /** The SDS name of the trust bundle, as Istio names it. */
  public static final String TRUST_BUNDLE = "ROOTCA";

  private volatile CertifiedKey certificate;
  private volatile List<X509Certificate> trustBundle = List.of();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  /** The workload certificate held now, if one was installed. */
  @Override
  public Optional<CertifiedKey> certificate() {
    return Optional.ofNullable(certificate);
  }

  /** The trusted roots now; empty until a bundle is installed. */
  @Override
  public List<X509Certificate> trustBundle() {
    return trustBundle;
  }

  /** Replaces the workload certificate for handshakes from now on. */
  public void installCertificate(CertifiedKey key) {
    certificate = Objects.requireNonNull(key, "key");
    changed();
  }

  /** Replaces the trust bundle for handshakes from now on. */
  public void installTrustBundle(List<X509Certificate> roots) {
    trustBundle = List.copyOf(roots);
    changed();
  }

  /** Runs {@code listener} after every install, on the installing thread; it must not block. */
  public void onChange(Runnable listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  private void changed() {
    for (Runnable listener : listeners) {
      listener.run();
    }
  }
}
