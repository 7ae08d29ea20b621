package dev.bowline.proxy.identity;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Which root a certificate chain leads to. During a root rotation two roots may carry the same
 * subject, so the signature decides, never the issuer name. Pure and thread-safe.
 */
public final class ChainRoots {

  private ChainRoots() {}

  /**
   * Whether {@code chain} (leaf first, with or without intermediates and the root itself) was
   * issued under {@code root}: its last certificate is {@code root}, or is signed by it.
   * False for an empty chain.
   */
  public static boolean issuedUnder(List<X509Certificate> chain, X509Certificate root) {
    if (chain.isEmpty()) {
      return false;
    }
    X509Certificate top = chain.get(chain.size() - 1);
    if (top.equals(root)) {
      return true;
    }
    if (!top.getIssuerX500Principal().equals(root.getSubjectX500Principal())) {
      return false;
    }
    try {
      top.verify(root.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
