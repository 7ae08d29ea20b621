package dev.bowline.proxy.identity;

import dev.bowline.proxy.tls.CertifiedKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Renews the workload certificate soon after the trust bundle starts listing first a root that
 * did not sign it. That is the control plane's word, during a root rotation, that Citadel now signs
 * under the new root (the root that signs comes first in the bundle, see {@code
 * CertificateAuthority#trustBundle}): the proxy then asks for a certificate under it within a
 * random delay of at most {@code spread}, so that a fleet does not ask at the same instant, and
 * well before the old root is retired.
 *
 * <p>Only a change of the bundle is looked at: installing a certificate never triggers a renewal,
 * so a CA that keeps signing under another root than the bundle's first cannot cause a loop.
 *
 * <p><b>Threading.</b> Runs on the thread that installs secrets ({@link WorkloadSecrets#onChange});
 * never blocks.
 */
public final class RootChangeRenewal implements Runnable {

  /** The longest wait before renewing after the signing root changed. */
  public static final Duration DEFAULT_SPREAD = Duration.ofSeconds(5);

  private final WorkloadSecrets secrets;
  private final WorkloadIdentity identity;
  private final Duration spread;
  private List<X509Certificate> lastBundle; // guarded by this

  private RootChangeRenewal(WorkloadSecrets secrets, WorkloadIdentity identity, Duration spread) {
    this.secrets = secrets;
    this.identity = identity;
    this.spread = spread;
    this.lastBundle = secrets.trustBundle();
  }

  /** Watches {@code secrets} and renews {@code identity} when the signing root changes. */
  public static RootChangeRenewal install(WorkloadSecrets secrets, WorkloadIdentity identity, Duration spread) {
    RootChangeRenewal renewal = new RootChangeRenewal(Objects.requireNonNull(secrets, "secrets"),
        Objects.requireNonNull(identity, "identity"), Objects.requireNonNull(spread, "spread"));
    secrets.onChange(renewal);
    return renewal;
  }

  @Override
  public void run() {
    List<X509Certificate> bundle = secrets.trustBundle();
    synchronized (this) {
      if (bundle == lastBundle) {
        return;
      }
      lastBundle = bundle;
    }
    Optional<CertifiedKey> held = secrets.certificate();
    if (bundle.isEmpty() || held.isEmpty() || ChainRoots.issuedUnder(held.get().chain(), bundle.get(0))) {
      return;
    }
    long millis = spread.toMillis() <= 0 ? 0 : ThreadLocalRandom.current().nextLong(spread.toMillis() + 1);
    identity.renewWithin(Duration.ofMillis(millis));
  }
}
