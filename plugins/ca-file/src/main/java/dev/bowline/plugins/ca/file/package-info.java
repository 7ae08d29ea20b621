/**
 * The {@code bowline.ca.file} certificate authority, shipped as the PF4J plugin {@code ca-file}:
 * issues X.509-SVIDs with an operator's CA certificate chain and private key read from PEM files,
 * such as an intermediate signed by the organization's root.
 */
package dev.bowline.plugins.ca.file;
