package dev.bowline.proxy.upstream;

import dev.bowline.proxy.config.TransportSocketMatch;
import dev.bowline.proxy.tls.ClientTlsContext;
import dev.bowline.spi.model.Endpoint;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which TLS origination, if any, reaches each endpoint of a cluster: the context of the first
 * {@code transport_socket_matches} entry whose match the endpoint's transport-socket labels
 * satisfy, else the cluster's own {@code transport_socket}.
 *
 * <p><b>Threading.</b> Immutable; read on event loops when connecting.
 */
final class EndpointTls {

  /** A match with its built context (empty: plaintext). */
  record Matched(TransportSocketMatch match, Optional<ClientTlsContext> tls) {
    Matched {
      Objects.requireNonNull(match, "match");
      Objects.requireNonNull(tls, "tls");
    }
  }

  private final Optional<ClientTlsContext> fallback;
  private final List<Matched> matches;

  EndpointTls(Optional<ClientTlsContext> fallback, List<Matched> matches) {
    this.fallback = Objects.requireNonNull(fallback, "fallback");
    this.matches = List.copyOf(matches);
  }

  /** One context (or plaintext) for every endpoint. */
  static EndpointTls uniform(Optional<ClientTlsContext> tls) {
    return new EndpointTls(tls, List.of());
  }

  /** The cluster's own {@code transport_socket}. */
  Optional<ClientTlsContext> fallback() {
    return fallback;
  }

  /** The origination for {@code endpoint}. */
  Optional<ClientTlsContext> forEndpoint(Endpoint endpoint) {
    for (Matched m : matches) {
      if (m.match().matches(endpoint.labels())) {
        return m.tls();
      }
    }
    return fallback;
  }
}
