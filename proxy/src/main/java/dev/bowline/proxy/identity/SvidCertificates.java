package dev.bowline.proxy.identity;

import dev.bowline.spi.model.SpiffeId;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Reading an X.509-SVID: the SPIFFE identity of a workload certificate, and the rules a leaf must
 * follow to carry one (exactly one URI SAN that is a SPIFFE ID, not a CA, no certificate or CRL
 * signing). Stateless.
 */
public final class SvidCertificates {

  private static final int URI = 6;
  private static final int KEY_CERT_SIGN = 5;
  private static final int CRL_SIGN = 6;

  private SvidCertificates() {}

  /**
   * The SPIFFE identity of {@code leaf}, after checking it is a workload certificate.
   *
   * @throws CertificateException saying which rule the certificate breaks
   */
  public static SpiffeId spiffeId(X509Certificate leaf) throws CertificateException {
    List<String> uris = uriSans(leaf);
    if (uris.size() != 1) {
      throw new CertificateException(
          "a workload certificate has exactly one URI SAN; this one has " + uris.size() + " " + uris);
    }
    if (leaf.getBasicConstraints() >= 0) {
      throw new CertificateException("a workload certificate is not a CA; this one has cA true");
    }
    boolean[] usage = leaf.getKeyUsage();
    if (usage != null
        && ((usage.length > KEY_CERT_SIGN && usage[KEY_CERT_SIGN])
            || (usage.length > CRL_SIGN && usage[CRL_SIGN]))) {
      throw new CertificateException(
          "a workload certificate may not sign certificates or CRLs (keyCertSign, cRLSign)");
    }
    try {
      return SpiffeId.parse(uris.get(0));
    } catch (IllegalArgumentException e) {
      throw new CertificateException("the URI SAN is not a SPIFFE ID: " + e.getMessage(), e);
    }
  }

  private static List<String> uriSans(X509Certificate certificate) throws CertificateParsingException {
    List<String> uris = new ArrayList<>();
    Collection<List<?>> names = certificate.getSubjectAlternativeNames();
    if (names != null) {
      for (List<?> name : names) {
        if (name.size() >= 2 && Integer.valueOf(URI).equals(name.get(0)) && name.get(1) instanceof String uri) {
          uris.add(uri);
        }
      }
    }
    return uris;
  }
}
