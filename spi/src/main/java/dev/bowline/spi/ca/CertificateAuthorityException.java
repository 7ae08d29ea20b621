package dev.bowline.spi.ca;

/** A CSR the CA will not sign, or a signing failure, with the reason. */
public class CertificateAuthorityException extends Exception {

  private static final long serialVersionUID = 1L;

  public CertificateAuthorityException(String message) {
    super(message);
  }

  public CertificateAuthorityException(String message, Throwable cause) {
    super(message, cause);
  }
}
