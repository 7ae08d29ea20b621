package dev.bowline.proxy.tls;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;

/**
 * Turns one PEM private-key block into a {@link PrivateKey} with the JDK alone: PKCS#8 ({@code
 * PRIVATE KEY}) of RSA, RSASSA-PSS, EC and EdDSA keys, PKCS#1 ({@code RSA PRIVATE KEY}) and SEC1
 * ({@code EC PRIVATE KEY}, named curves only), the last two by wrapping them in PKCS#8. Encrypted
 * keys are refused.
 *
 * <p><b>Threading.</b> Stateless.
 */
final class PrivateKeyDecoder {

  static final String PKCS8_LABEL = "PRIVATE KEY";
  static final String PKCS1_LABEL = "RSA PRIVATE KEY";
  static final String SEC1_LABEL = "EC PRIVATE KEY";
  static final String ENCRYPTED_PKCS8_LABEL = "ENCRYPTED PRIVATE KEY";

  private static final String OID_RSA = "1.2.840.113549.1.1.1";
  private static final String OID_RSASSA_PSS = "1.2.840.113549.1.1.10";
  private static final String OID_EC = "1.2.840.10045.2.1";
  private static final String OID_ED25519 = "1.3.101.112";
  private static final String OID_ED448 = "1.3.101.113";

  /** rsaEncryption, as a DER OBJECT IDENTIFIER element. */
  private static final byte[] RSA_ENCRYPTION = {
    0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01
  };

  /** id-ecPublicKey, as a DER OBJECT IDENTIFIER element. */
  private static final byte[] EC_PUBLIC_KEY = {
    0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01
  };

  private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};
  private static final byte[] DER_NULL = {0x05, 0x00};

  private PrivateKeyDecoder() {}

  /** Whether a PEM block's label names a private key (plain or encrypted). */
  static boolean isPrivateKey(Pem.Block block) {
    return block.label().endsWith("PRIVATE KEY");
  }

  /** Decodes the key in {@code block}; the exception's message says what is wrong. */
  static PrivateKey decode(Pem.Block block) throws InvalidKeySpecException {
    String procType = block.headers().getOrDefault("Proc-Type", "");
    if (block.label().equals(ENCRYPTED_PKCS8_LABEL) || procType.contains("ENCRYPTED")) {
      throw new InvalidKeySpecException(
          "encrypted private keys are not supported (decrypt it, e.g. openssl pkey -in KEY -out"
              + " PLAIN)");
    }
    try {
      switch (block.label()) {
        case PKCS8_LABEL:
          return pkcs8(block.der());
        case PKCS1_LABEL:
          return pkcs8(
              Der.encode(
                  Der.SEQUENCE,
                  VERSION_0,
                  Der.encode(Der.SEQUENCE, RSA_ENCRYPTION, DER_NULL),
                  Der.encode(Der.OCTET_STRING, block.der())));
        case SEC1_LABEL:
          return pkcs8(
              Der.encode(
                  Der.SEQUENCE,
                  VERSION_0,
                  Der.encode(Der.SEQUENCE, EC_PUBLIC_KEY, namedCurveOf(block.der())),
                  Der.encode(Der.OCTET_STRING, block.der())));
        default:
          throw new InvalidKeySpecException(
              "unsupported PEM key type \"" + block.label() + "\" (use PKCS#8 \"PRIVATE KEY\")");
      }
    } catch (Der.MalformedException e) {
      throw new InvalidKeySpecException("malformed " + block.label() + ": " + e.getMessage());
    }
  }

  private static PrivateKey pkcs8(byte[] der)
      throws InvalidKeySpecException, Der.MalformedException {
    Der.Reader info = new Der.Reader(der).next(Der.SEQUENCE).contents();
    info.next(Der.INTEGER);
    Der.Reader algorithm = info.next(Der.SEQUENCE).contents();
    String oid = Der.objectIdentifier(algorithm.next(Der.OBJECT_IDENTIFIER).value());
    String keyAlgorithm =
        switch (oid) {
          case OID_RSA -> "RSA";
          case OID_RSASSA_PSS -> "RSASSA-PSS";
          case OID_EC -> "EC";
          case OID_ED25519, OID_ED448 -> "EdDSA";
          default ->
              throw new InvalidKeySpecException(
                  "unsupported key algorithm " + oid + " (RSA, EC and EdDSA keys are supported)");
        };
    try {
      return KeyFactory.getInstance(keyAlgorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (InvalidKeySpecException e) {
      throw new InvalidKeySpecException(
          "invalid " + keyAlgorithm + " private key: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new InvalidKeySpecException(
          "this JDK cannot load " + keyAlgorithm + " keys: " + e.getMessage(), e);
    }
  }

  /**
   * The named-curve OBJECT IDENTIFIER element of a SEC1 {@code ECPrivateKey}: {@code SEQUENCE {
   * version, privateKey, [0] parameters, [1] publicKey }}.
   */
  private static byte[] namedCurveOf(byte[] sec1)
      throws InvalidKeySpecException, Der.MalformedException {
    Der.Reader key = new Der.Reader(sec1).next(Der.SEQUENCE).contents();
    key.next(Der.INTEGER);
    key.next(Der.OCTET_STRING);
    while (key.hasMore()) {
      Der.Element element = key.next();
      if (element.tag() == Der.CONTEXT_0) {
        Der.Element parameters = element.contents().next();
        if (parameters.tag() != Der.OBJECT_IDENTIFIER) {
          throw new InvalidKeySpecException(
              "EC key with explicit curve parameters; only named curves are supported");
        }
        return Der.encode(Der.OBJECT_IDENTIFIER, parameters.value());
      }
    }
    throw new InvalidKeySpecException(
        "EC key without its curve (no parameters in the SEC1 key; use PKCS#8)");
  }
}
