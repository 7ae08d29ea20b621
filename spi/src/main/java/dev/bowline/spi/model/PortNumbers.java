package dev.bowline.spi.model;

/** Validation of TCP port numbers shared by the model types. */
final class PortNumbers {

  private PortNumbers() {}

  static void require(String field, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(field + " " + port + " is not a port number (1..65535)");
    }
  }
}
