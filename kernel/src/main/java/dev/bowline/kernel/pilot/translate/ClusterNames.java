package dev.bowline.kernel.pilot.translate;

/**
 * Istio's cluster names, which operators recognise and proxyless gRPC clients accept:
 * {@code outbound|<port>|<subset>|<host>} for a service port (subset empty for all endpoints) and
 * {@code inbound|<port>||} for a sidecar's local application. Stateless.
 */
final class ClusterNames {

  private ClusterNames() {}

  /** {@code outbound|<port>|<subset>|<host>}; {@code subset} may be null or empty. */
  static String outbound(int port, String subset, String host) {
    return "outbound|" + port + "|" + (subset == null ? "" : subset) + "|" + host;
  }

  /** {@code inbound|<port>||}. */
  static String inbound(int port) {
    return "inbound|" + port + "||";
  }
}
