package dev.bowline.proxy.identity;

import dev.bowline.proxy.tls.CertifiedKey;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link CertificateSource} that also adds the root Citadel answers with to the workload's trust
 * bundle, as Istio's agent takes the CA's answer as its roots: Citadel's answer arrived over a
 * channel already verified against the bundle and the control plane's identity, so a root it
 * vouches for (a new root during a rotation) is trusted from then on. Roots already in the bundle
 * stay. The root is taken only when it is self-signed and signs the certificate before it.
 *
 * <p><b>Threading.</b> As the source it wraps; the bundle is installed on the thread that completes
 * the answer.
 */
public final class CitadelRootsToBundle implements CertificateSource {

  private final CertificateSource citadel;
  private final WorkloadSecrets secrets;

  public CitadelRootsToBundle(CertificateSource citadel, WorkloadSecrets secrets) {
    this.citadel = Objects.requireNonNull(citadel, "citadel");
    this.secrets = Objects.requireNonNull(secrets, "secrets");
  }

  @Override
  public CompletableFuture<List<X509Certificate>> request(String csrPem, Optional<CertifiedKey> current) {
    return citadel.request(csrPem, current).thenApply(chain -> {
      rootOf(chain).ifPresent(root -> {
        List<X509Certificate> bundle = secrets.trustBundle();
        if (!bundle.contains(root)) {
          List<X509Certificate> grown = new ArrayList<>(bundle);
          grown.add(root);
          secrets.installTrustBundle(grown);
        }
      });
      return chain;
    });
  }

  private static Optional<X509Certificate> rootOf(List<X509Certificate> chain) {
    if (chain.size() < 2) {
      return Optional.empty();
    }
    X509Certificate last = chain.get(chain.size() - 1);
    try {
      last.verify(last.getPublicKey());
      chain.get(chain.size() - 2).verify(last.getPublicKey());
      return Optional.of(last);
    } catch (GeneralSecurityException e) {
      return Optional.empty();
    }
  }
}
