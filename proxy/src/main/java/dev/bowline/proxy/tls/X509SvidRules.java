package dev.bowline.proxy.tls;

import dev.bowline.spi.model.SpiffeId;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * The SPIFFE X.509-SVID rules for a leaf certificate, beyond its chain: exactly one URI SAN, a
 * workload SPIFFE ID ({@code spiffe://<trust domain>/<path>}), not a CA ({@code cA} false), key
 * usage present with {@code digitalSignature} and without {@code keyCertSign} or {@code cRLSign};
 * and, for a peer, of the expected trust domain and within its validity. The one place these rules
 * live: the data plane's mutual TLS ({@link SpiffeTrustManager}), the control channel on port 15012
 * in both directions ({@code identity.SvidTrustManager}), the control plane's xDS authentication and
 * the reading of a workload's own certificate all apply them. Whether a chain leads to the trust
 * bundle is the PKIX validator's part.
 *
 * <p><b>Threading.</b> Stateless.
 */
public final class X509SvidRules {

  private static final int URI = 6;
  private static final int DIGITAL_SIGNATURE = 0;
  private static final int KEY_CERT_SIGN = 5;
  private static final int CRL_SIGN = 6;

  private X509SvidRules() {}

  /**
   * Checks that {@code leaf} is an X.509-SVID leaf and returns its SPIFFE ID; neither its trust
   * domain nor its validity is checked.
   *
   * @throws CertificateException saying which rule the certificate breaks
   */
  public static SpiffeId leafId(X509Certificate leaf) throws CertificateException {
    List<String> uris = uriSans(leaf);
    if (uris.size() != 1) {
      throw new CertificateException(
          "certificate " + leaf.getSubjectX500Principal().getName() + " has " + uris.size()
              + " URI SANs " + uris + "; an X.509-SVID has exactly one, its SPIFFE ID");
    }
    SpiffeId id = workloadId(uris.get(0)).orElse(null);
    if (id == null) {
      throw new CertificateException(
          "certificate " + leaf.getSubjectX500Principal().getName() + " has the URI SAN "
              + uris.get(0) + ", which is not a workload SPIFFE ID (spiffe://trust-domain/path)");
    }
    if (leaf.getBasicConstraints() >= 0) {
      throw new CertificateException(
          "certificate " + id + " is a CA certificate (cA true); an X.509-SVID leaf is not");
    }
    boolean[] usage = leaf.getKeyUsage();
    if (usage == null || usage.length <= DIGITAL_SIGNATURE || !usage[DIGITAL_SIGNATURE]) {
      throw new CertificateException(
          "certificate " + id + " lacks the digitalSignature key usage of an X.509-SVID leaf");
    }
    if ((usage.length > KEY_CERT_SIGN && usage[KEY_CERT_SIGN])
        || (usage.length > CRL_SIGN && usage[CRL_SIGN])) {
      throw new CertificateException(
          "certificate " + id + " may sign certificates or CRLs (keyCertSign, cRLSign);"
              + " an X.509-SVID leaf may not");
    }
    return id;
  }

  /**
   * Checks a peer's leaf ({@link #leafId}, then its trust domain and validity) and returns its
   * SPIFFE ID.
   *
   * @param expectedTrustDomain the trust domain the peer must belong to
   * @param now the time the certificate must be valid at
   * @throws CertificateException saying which rule the certificate breaks
   */
  public static SpiffeId check(X509Certificate leaf, String expectedTrustDomain, Date now)
      throws CertificateException {
    SpiffeId id = leafId(leaf);
    if (!id.trustDomain().equals(expectedTrustDomain)) {
      throw new CertificateException(
          "peer " + id + " belongs to trust domain " + id.trustDomain() + ", not to "
              + expectedTrustDomain);
    }
    try {
      leaf.checkValidity(now);
    } catch (CertificateExpiredException e) {
      throw new CertificateException(
          "peer certificate " + id + " expired at " + leaf.getNotAfter().toInstant(), e);
    } catch (CertificateNotYetValidException e) {
      throw new CertificateException(
          "peer certificate " + id + " is not valid before " + leaf.getNotBefore().toInstant(), e);
    }
    return id;
  }

  /**
   * The workload SPIFFE ID a URI names: {@code spiffe://<trust domain>/<path>} by the SPIFFE ID
   * rules ({@link SpiffeId#parse}), with a path (a trust domain's own ID names no workload); empty
   * when it names none.
   */
  static Optional<SpiffeId> workloadId(String uri) {
    try {
      SpiffeId id = SpiffeId.parse(uri);
      boolean workload = !id.path().isEmpty() && uri.startsWith("spiffe://");
      return workload ? Optional.of(id) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The URI subject alternative names of a certificate. */
  static List<String> uriSans(X509Certificate certificate) throws CertificateParsingException {
    Collection<List<?>> entries = certificate.getSubjectAlternativeNames();
    List<String> uris = new ArrayList<>(1);
    if (entries != null) {
      for (List<?> entry : entries) {
        if (entry.size() >= 2 && Integer.valueOf(URI).equals(entry.get(0))
            && entry.get(1) instanceof String uri) {
          uris.add(uri);
        }
      }
    }
    return uris;
  }
}
