package dev.bowline.kernel.pilot.config;

/** The rule for TCP/UDP port numbers in Istio resources: 1 to 65535. Stateless. */
final class PortNumbers {

  private PortNumbers() {}

  static boolean isValid(long port) {
    return port >= 1 && port <= 65535;
  }

  /** Reports at {@code path} when {@code port} is not 1..65535. */
  static void check(long port, String path, Validation v) {
    if (!isValid(port)) {
      v.error(path, "port number must be between 1 and 65535, found " + port);
    }
  }
}
