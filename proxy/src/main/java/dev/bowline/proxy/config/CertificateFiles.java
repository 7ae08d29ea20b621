package dev.bowline.proxy.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A PEM certificate chain and its PEM private key, as files.
 *
 * @param certificateChain the chain, leaf first
 * @param privateKey the key (PKCS#8, or PKCS#1/SEC1)
 */
public record CertificateFiles(Path certificateChain, Path privateKey) {

  public CertificateFiles {
    Objects.requireNonNull(certificateChain, "certificateChain");
    Objects.requireNonNull(privateKey, "privateKey");
  }
}
