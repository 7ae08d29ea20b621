package dev.bowline.spi.plugin;

import java.util.Objects;

/**
 * What an operator should know about an extension before relying on it, after Envoy's extension
 * metadata: how mature it is and what traffic it is safe to expose to.
 *
 * @param status the maturity of the extension
 * @param securityPosture the kind of traffic the extension is hardened against
 * @param description one sentence saying what the extension does
 */
public record ExtensionMetadata(
    ExtensionStatus status, SecurityPosture securityPosture, String description) {

  /** Metadata for an extension that said nothing about itself. */
  public static final ExtensionMetadata DEFAULT =
      new ExtensionMetadata(ExtensionStatus.ALPHA, SecurityPosture.UNKNOWN, "");

  public ExtensionMetadata {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(securityPosture, "securityPosture");
    Objects.requireNonNull(description, "description");
  }
}
