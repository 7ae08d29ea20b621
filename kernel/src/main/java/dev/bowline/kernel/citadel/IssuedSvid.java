package dev.bowline.kernel.citadel;

import dev.bowline.proxy.tls.X509SvidRules;
import dev.bowline.spi.model.SpiffeId;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What Citadel checks in every chain a certificate authority returns before anyone gets it: a leaf
 * that follows the X.509-SVID rules every mutual TLS peer of the mesh applies ({@link
 * X509SvidRules#leafId}) and carries exactly the identity that was asked for. A CA that breaks this
 * (a plugin that leaves out the key usage, or signs another name) is a fault of the CA, reported
 * where it happens with the rule it broke, instead of a certificate every handshake would refuse.
 *
 * <p><b>Threading.</b> Stateless.
 */
final class IssuedSvid {

  private IssuedSvid() {}

  /**
   * Checks the chain a CA returned for {@code requested}, leaf first.
   *
   * @throws CertificateException saying how the CA's answer breaks the rules
   */
  static void check(List<X509Certificate> chain, SpiffeId requested) throws CertificateException {
    if (chain.isEmpty()) {
      throw new CertificateException("the CA returned no certificate for " + requested);
    }
    SpiffeId issued;
    try {
      issued = X509SvidRules.leafId(chain.get(0));
    } catch (CertificateException e) {
      throw new CertificateException(
          "the CA issued a certificate for " + requested + " that is not an X.509-SVID: " + e.getMessage(), e);
    }
    if (!issued.equals(requested)) {
      throw new CertificateException(
          "the CA issued a certificate for " + issued + " when " + requested + " was asked for");
    }
  }
}
