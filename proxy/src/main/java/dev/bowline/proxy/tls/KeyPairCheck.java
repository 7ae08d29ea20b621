package dev.bowline.proxy.tls;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/**
 * Whether a private key belongs to a certificate's public key: RSA CRT keys by comparing modulus
 * and exponent, every other key by signing a random message and verifying the signature.
 *
 * <p><b>Threading.</b> Stateless.
 */
final class KeyPairCheck {

  private static final SecureRandom RANDOM = new SecureRandom();

  private KeyPairCheck() {}

  static boolean matches(PrivateKey privateKey, PublicKey publicKey) {
    if (!privateKey.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return false;
    }
    if (privateKey instanceof RSAPrivateCrtKey crt && publicKey instanceof RSAPublicKey rsa) {
      return crt.getModulus().equals(rsa.getModulus())
          && crt.getPublicExponent().equals(rsa.getPublicExponent());
    }
    try {
      Signature signer = signature(privateKey.getAlgorithm());
      byte[] message = new byte[32];
      RANDOM.nextBytes(message);
      signer.initSign(privateKey);
      signer.update(message);
      byte[] signed = signer.sign();
      Signature verifier = signature(publicKey.getAlgorithm());
      verifier.initVerify(publicKey);
      verifier.update(message);
      return verifier.verify(signed);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static Signature signature(String keyAlgorithm) throws GeneralSecurityException {
    switch (keyAlgorithm) {
      case "RSA":
        return Signature.getInstance("SHA256withRSA");
      case "EC":
        return Signature.getInstance("SHA256withECDSA");
      case "EdDSA":
        return Signature.getInstance("EdDSA");
      case "RSASSA-PSS":
        Signature pss = Signature.getInstance("RSASSA-PSS");
        pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        return pss;
      default:
        throw new GeneralSecurityException("no signature check for " + keyAlgorithm + " keys");
    }
  }
}
