package dev.bowline.kernel.config;

/** The host configuration file cannot be used; the message names the file and the field. */
public final class HostConfigException extends Exception {

  private static final long serialVersionUID = 1L;

  public HostConfigException(String message) {
    super(message);
  }

  public HostConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
