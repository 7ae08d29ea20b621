package dev.bowline.proxy.tls;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/**
 * Writes certificates as PEM (RFC 7468 {@code CERTIFICATE} blocks, 64 characters a line), as
 * Citadel answers them, the trust bundle travels and {@code bowlinectl ca root} prints it.
 *
 * <p><b>Threading.</b> Stateless.
 */
public final class CertificatePem {

  private CertificatePem() {}

  /** One block. */
  public static String of(X509Certificate certificate) throws CertificateEncodingException {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(certificate.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }

  /** The blocks of {@code certificates}, in order. */
  public static String of(List<X509Certificate> certificates) throws CertificateEncodingException {
    StringBuilder out = new StringBuilder();
    for (X509Certificate certificate : certificates) {
      out.append(of(certificate));
    }
    return out.toString();
  }
}
