/**
 * Leaf issuing for the CA plugins: {@link dev.bowline.plugins.ca.issuing.LeafIssuer} turns a CSR
 * and an authenticated identity into an X.509-SVID. A library, not a plugin: each CA plugin bundles
 * it in its {@code lib/}.
 */
package dev.bowline.plugins.ca.issuing;
