package dev.bowline.proxy.tls;

import dev.bowline.spi.model.SpiffeId;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies a peer as a SPIFFE X.509-SVID against the proxy's trust bundle (Istio's SDS secret
 * {@code ROOTCA}), read at each handshake so a new bundle applies to the next one:
 *
 * <ol>
 *   <li>the leaf follows the X.509-SVID rules ({@link X509SvidRules}) for the proxy's own trust
 *       domain, the one of its workload certificate's SPIFFE ID;
 *   <li>the chain the peer sent leads to one of the bundle's roots (any of them: while a root is
 *       rotated the bundle holds the old and the new), checked by the JDK's PKIX validator, which
 *       also checks every certificate's validity, the intermediates' CA constraints and key usage,
 *       the extended key usage for the side (client or server) and the algorithm constraints.
 * </ol>
 *
 * <p>No bundle yet, or no workload certificate to take the trust domain from, fails the handshake
 * with a message saying so. Names are checked here only as SPIFFE requires; which identities a
 * side accepts (secure naming) is {@link SubjectAltNameTrustManager}'s part, wrapped around this.
 *
 * <p><b>Threading.</b> Thread-safe: the PKIX validator built for a bundle is cached and rebuilt
 * (once, on the first handshake after) when a new bundle is installed; the cache is a volatile
 * immutable pair, so a race only builds it twice.
 */
final class SpiffeTrustManager extends X509ExtendedTrustManager {

  /** The PKIX validator of one bundle, kept with the bundle it was built for. */
  private record Anchored(List<X509Certificate> bundle, X509ExtendedTrustManager pkix) {}

  /** The trust domain of one workload certificate. */
  private record Domain(CertifiedKey key, String trustDomain) {}

  /** Checks the chain with a PKIX validator; one of the JDK manager's six methods. */
  @FunctionalInterface
  private interface ChainCheck {
    void check(X509ExtendedTrustManager pkix) throws CertificateException;
  }

  private final WorkloadSecretSource secrets;
  private volatile Anchored anchored;
  private volatile Domain domain;

  SpiffeTrustManager(WorkloadSecretSource secrets) {
    this.secrets = secrets;
  }

  private void verify(X509Certificate[] chain, ChainCheck pkixCheck) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("peer sent no certificate");
    }
    X509SvidRules.check(chain[0], trustDomain(), new Date());
    pkixCheck.check(pkix());
  }

  private String trustDomain() throws CertificateException {
    Optional<CertifiedKey> own = secrets.certificate();
    if (own.isEmpty()) {
      throw new CertificateException(
          "the proxy holds no workload certificate yet, so it knows no trust domain to accept");
    }
    Domain known = domain;
    if (known != null && known.key() == own.get()) {
      return known.trustDomain();
    }
    List<String> uris = X509SvidRules.uriSans(own.get().leaf());
    String trustDomain =
        uris.size() == 1
            ? X509SvidRules.workloadId(uris.get(0)).map(SpiffeId::trustDomain).orElse(null)
            : null;
    if (trustDomain == null) {
      throw new CertificateException(
          "the proxy's workload certificate has no single SPIFFE ID (URI SANs " + uris
              + "), so it knows no trust domain to accept");
    }
    domain = new Domain(own.get(), trustDomain);
    return trustDomain;
  }

  private X509ExtendedTrustManager pkix() throws CertificateException {
    List<X509Certificate> bundle = secrets.trustBundle();
    Anchored known = anchored;
    if (known != null && known.bundle() == bundle) {
      return known.pkix();
    }
    if (bundle.isEmpty()) {
      throw new CertificateException("the proxy holds no trust bundle yet (SDS secret ROOTCA)");
    }
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < bundle.size(); i++) {
        store.setCertificateEntry("root-" + i, bundle.get(i));
      }
      X509ExtendedTrustManager pkix = TrustAnchors.pkix(store);
      anchored = new Anchored(bundle, pkix);
      return pkix;
    } catch (GeneralSecurityException | IOException e) {
      throw new CertificateException("cannot use the trust bundle: " + e.getMessage(), e);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    verify(chain, pkix -> pkix.checkClientTrusted(chain, authType, socket));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    verify(chain, pkix -> pkix.checkClientTrusted(chain, authType, engine));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    verify(chain, pkix -> pkix.checkClientTrusted(chain, authType));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    verify(chain, pkix -> pkix.checkServerTrusted(chain, authType, socket));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    verify(chain, pkix -> pkix.checkServerTrusted(chain, authType, engine));
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    verify(chain, pkix -> pkix.checkServerTrusted(chain, authType));
  }

  /**
   * The roots of the bundle held now: the certificate authorities a server names when it asks a
   * client for its certificate.
   */
  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return secrets.trustBundle().toArray(new X509Certificate[0]);
  }
}
