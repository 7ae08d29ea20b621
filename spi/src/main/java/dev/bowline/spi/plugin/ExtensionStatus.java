package dev.bowline.spi.plugin;

/** The maturity of an extension, as Envoy labels its extensions. */
public enum ExtensionStatus {
  /** Production ready; its configuration is stable. */
  STABLE,
  /** Works and is tested, but its configuration may still change. */
  ALPHA,
  /** Under construction: not for production traffic. */
  WORK_IN_PROGRESS
}
