package dev.bowline.spi.model;

import java.util.Locale;
import java.util.Optional;

/** The application protocol a service port speaks, with Istio's names. */
public enum Protocol {
  HTTP,
  HTTP2,
  GRPC,
  TCP,
  TLS;

  /** Whether the proxy routes this protocol per request (HTTP, HTTP/2 and gRPC). */
  public boolean isHttp() {
    return this == HTTP || this == HTTP2 || this == GRPC;
  }

  /**
   * Parses a protocol name case-insensitively, also from an Istio port name prefix such as
   * {@code http-web} or {@code grpc}.
   */
  public static Optional<Protocol> parse(String name) {
    if (name == null || name.isEmpty()) {
      return Optional.empty();
    }
    String prefix = name.toUpperCase(Locale.ROOT).split("[-_]", 2)[0];
    for (Protocol p : values()) {
      if (p.name().equals(prefix)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
