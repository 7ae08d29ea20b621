package dev.bowline.plugins.ca.selfsigned;

import java.security.cert.X509Certificate;

/**
 * One generation of the self-signed CA's certificates: a root and what signs under it (a {@link
 * SigningState} holds two during a root rotation). Immutable and thread-safe.
 *
 * @param root the root
 * @param signer the certificate and key that sign leaves: the intermediate, or the root
 * @param intermediate the intermediate that goes in every chain after the leaf, or null
 */
record IssuingMaterial(
    KeyAndCertificate root, KeyAndCertificate signer, X509Certificate intermediate) {}
