package dev.bowline.plugins.ca.selfsigned;

import java.security.KeyPair;
import java.security.cert.X509Certificate;

/**
 * A CA certificate with its key pair. Immutable and thread-safe.
 *
 * @param keyPair the certificate's key pair
 * @param certificate the certificate
 */
record KeyAndCertificate(KeyPair keyPair, X509Certificate certificate) {}
