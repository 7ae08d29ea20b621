/**
 * The {@code bowline.ca.selfsigned} certificate authority, shipped as the PF4J plugin {@code
 * ca-selfsigned} and used by Citadel when nothing else is configured: it makes its own root (and,
 * if asked, an intermediate) on first start, keeps the key material owner-only in its data
 * directory, issues X.509-SVIDs that it checks against {@link
 * dev.bowline.plugins.ca.selfsigned.SvidRules} before returning them, and rotates its root in the
 * steps of {@link dev.bowline.spi.ca.RootRotation}.
 */
package dev.bowline.plugins.ca.selfsigned;
