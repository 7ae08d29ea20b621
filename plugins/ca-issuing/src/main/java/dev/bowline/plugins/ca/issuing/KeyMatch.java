package dev.bowline.plugins.ca.issuing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/**
 * Whether a private key belongs to a public key: it signs a fixed message with the private key and
 * checks the signature with the public one, which works alike for EC and RSA.
 *
 * <p>Stateless and thread-safe.
 */
public final class KeyMatch {

  private static final byte[] MESSAGE = "bowline key match".getBytes(StandardCharsets.US_ASCII);

  private KeyMatch() {}

  public static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
    if (!privateKey.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return false;
    }
    try {
      String algorithm = LeafIssuer.signatureAlgorithm(privateKey);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(MESSAGE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(MESSAGE);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
