package dev.bowline.plugins.ca.selfsigned;

import java.security.cert.X509Certificate;

/**
 * The self-signed CA's certificates at run time. Immutable and thread-safe.
 *
 * @param root the root, the whole trust bundle
 * @param signer the certificate and key that sign leaves: the intermediate, or the root
 * @param intermediate the intermediate that goes in every chain after the leaf, or null
 */
record IssuingMaterial(
    KeyAndCertificate root, KeyAndCertificate signer, X509Certificate intermediate) {}
