package dev.bowline.kernel.pilot.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The port protocols Istio knows (case-insensitive, as Istio parses them): which a gateway server
 * may declare, which a service port may, and which of them are HTTP-based or TLS. Stateless.
 */
final class IstioProtocols {

  /** The protocols a Bowline gateway server accepts. */
  static final List<String> GATEWAY = List.of("HTTP", "HTTPS", "GRPC", "HTTP2", "TCP", "TLS", "MONGO");

  /** The protocols a service (ServiceEntry) port may declare; empty means sniffed. */
  static final List<String> SERVICE = List.of(
      "HTTP", "HTTPS", "GRPC", "GRPC-WEB", "HTTP2", "HTTP_PROXY", "TCP", "TLS", "UDP", "MONGO",
      "MYSQL", "REDIS");

  private IstioProtocols() {}

  /** The canonical (upper case) name of {@code protocol} if it is in {@code known}. */
  static Optional<String> canonical(String protocol, List<String> known) {
    if (protocol == null) {
      return Optional.empty();
    }
    String p = protocol.toUpperCase(Locale.ROOT);
    return known.contains(p) ? Optional.of(p) : Optional.empty();
  }

  /** HTTP, HTTP2, GRPC, GRPC-WEB, HTTP_PROXY: protocols whose requests carry an authority. */
  static boolean isHttp(String canonical) {
    return switch (canonical) {
      case "HTTP", "HTTP2", "GRPC", "GRPC-WEB", "HTTP_PROXY" -> true;
      default -> false;
    };
  }

  /** HTTPS and TLS: protocols whose connections carry SNI. */
  static boolean isTls(String canonical) {
    return canonical.equals("HTTPS") || canonical.equals("TLS");
  }
}
