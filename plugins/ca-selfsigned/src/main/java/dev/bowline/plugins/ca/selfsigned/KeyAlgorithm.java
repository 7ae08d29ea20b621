package dev.bowline.plugins.ca.selfsigned;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;

/**
 * The kind of key the CA makes for its own root and intermediate: EC on the P-256 curve (the
 * default, as Istio's) or 3072-bit RSA. Workload keys are the workloads' own choice.
 */
public enum KeyAlgorithm {
  /** ECDSA on NIST P-256 ({@code secp256r1}), signing with SHA-256. */
  EC,
  /** RSA with a 3072-bit modulus, signing with SHA-256. */
  RSA;

  /** A fresh key pair from the JDK's providers. */
  KeyPair generate(SecureRandom random) throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance(name());
    if (this == EC) {
      generator.initialize(new ECGenParameterSpec("secp256r1"), random);
    } else {
      generator.initialize(3072, random);
    }
    return generator.generateKeyPair();
  }
}
