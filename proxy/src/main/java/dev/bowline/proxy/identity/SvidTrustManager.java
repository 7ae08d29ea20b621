package dev.bowline.proxy.identity;

import dev.bowline.proxy.tls.X509SvidRules;
import dev.bowline.spi.model.SpiffeId;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a peer of the mesh's control channel (the control plane's port 15012, in either
 * direction) by its X.509-SVID: the leaf must follow the same SVID rules as on the data plane
 * ({@link X509SvidRules#check}: one workload SPIFFE ID of the trust domain, not a CA,
 * digitalSignature and no certificate or CRL signing, valid now) and, when one is required, carry
 * exactly that ID; the chain must lead to one of the roots of the current trust bundle (read at
 * every handshake, so a new bundle applies to the next handshake; several roots are allowed during
 * a rotation). There is no DNS hostname check: a peer is named by its SPIFFE ID (VMs reach the
 * control plane by IP).
 *
 * <p><b>Threading.</b> Thread-safe; the bundle supplier is called on handshake threads and must
 * not block.
 */
public final class SvidTrustManager extends X509ExtendedTrustManager {

  private final Supplier<List<X509Certificate>> bundle;
  private final String trustDomain;
  private final Optional<SpiffeId> requiredPeer;

  /**
   * @param bundle the roots trusted now
   * @param trustDomain the only trust domain a peer may be of
   * @param requiredPeer the only identity accepted, if any (a proxy checking the control plane)
   */
  public SvidTrustManager(
      Supplier<List<X509Certificate>> bundle, String trustDomain, Optional<SpiffeId> requiredPeer) {
    this.bundle = Objects.requireNonNull(bundle, "bundle");
    this.trustDomain = Objects.requireNonNull(trustDomain, "trustDomain");
    this.requiredPeer = Objects.requireNonNull(requiredPeer, "requiredPeer");
  }

  /**
   * Checks {@code chain} (leaf first) and returns the leaf's identity.
   *
   * @throws CertificateException saying why the peer is not trusted
   */
  public SpiffeId verify(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the peer sent no certificate");
    }
    SpiffeId id = X509SvidRules.check(chain[0], trustDomain, new Date());
    if (requiredPeer.isPresent() && !requiredPeer.get().equals(id)) {
      throw new CertificateException(
          "the peer is " + id + ", not " + requiredPeer.get());
    }
    List<X509Certificate> roots = bundle.get();
    if (roots.isEmpty()) {
      throw new CertificateException("no trust bundle yet: cannot verify the peer");
    }
    Set<TrustAnchor> anchors = new HashSet<>();
    for (X509Certificate root : roots) {
      anchors.add(new TrustAnchor(root, null));
    }
    List<X509Certificate> path = new ArrayList<>(Arrays.asList(chain));
    if (path.size() > 1 && roots.contains(path.get(path.size() - 1))) {
      path.remove(path.size() - 1); // the anchor itself is not part of the path
    }
    try {
      CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
      PKIXParameters parameters = new PKIXParameters(anchors);
      parameters.setRevocationEnabled(false);
      CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
    } catch (GeneralSecurityException e) {
      throw new CertificateException(
          "the peer's certificate " + describe(chain[0]) + " does not chain to the trust bundle: "
              + e.getMessage(), e);
    }
    return id;
  }

  private static String describe(X509Certificate leaf) {
    return "(serial " + leaf.getSerialNumber().toString(16) + ")";
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    verify(chain);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return bundle.get().toArray(new X509Certificate[0]);
  }
}
