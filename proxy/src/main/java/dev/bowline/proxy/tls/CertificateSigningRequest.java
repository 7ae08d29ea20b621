package dev.bowline.proxy.tls;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;

/**
 * A PKCS#10 certificate signing request for a workload key, as a proxy sends Citadel: an empty
 * subject, the public key, no attributes, signed with the private key (proof of possession).
 * Citadel decides the identity, so the request names none. EC keys sign with ECDSA over SHA-256,
 * RSA keys with SHA-256 and PKCS#1 v1.5. Stateless.
 */
public final class CertificateSigningRequest {

  /** ecdsa-with-SHA256, 1.2.840.10045.4.3.2. */
  private static final byte[] ECDSA_SHA256 = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x02};
  /** sha256WithRSAEncryption, 1.2.840.113549.1.1.11. */
  private static final byte[] RSA_SHA256 = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x0b};
  private static final int BIT_STRING = 0x03;
  private static final int SET_CONTEXT_0 = 0xa0;

  private CertificateSigningRequest() {}

  /** The DER encoding of a request for {@code key}. */
  public static byte[] der(KeyPair key) throws GeneralSecurityException {
    boolean ec = key.getPublic() instanceof ECPublicKey;
    byte[] info =
        Der.encode(
            Der.SEQUENCE,
            Der.encode(Der.INTEGER, new byte[] {0}),
            Der.encode(Der.SEQUENCE),
            key.getPublic().getEncoded(),
            Der.encode(SET_CONTEXT_0));
    Signature signer = Signature.getInstance(ec ? "SHA256withECDSA" : "SHA256withRSA");
    signer.initSign(key.getPrivate());
    signer.update(info);
    byte[] signature = signer.sign();
    byte[] algorithm = ec
        ? Der.encode(Der.SEQUENCE, Der.encode(Der.OBJECT_IDENTIFIER, ECDSA_SHA256))
        : Der.encode(Der.SEQUENCE, Der.encode(Der.OBJECT_IDENTIFIER, RSA_SHA256), Der.encode(Der.NULL));
    byte[] bits = new byte[signature.length + 1];
    System.arraycopy(signature, 0, bits, 1, signature.length);
    return Der.encode(Der.SEQUENCE, info, algorithm, Der.encode(BIT_STRING, bits));
  }

  /** The PEM encoding ({@code CERTIFICATE REQUEST}) of a request for {@code key}. */
  public static String pem(KeyPair key) throws GeneralSecurityException {
    return "-----BEGIN CERTIFICATE REQUEST-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der(key))
        + "\n-----END CERTIFICATE REQUEST-----\n";
  }
}
