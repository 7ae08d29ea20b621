package dev.bowline.proxy.config;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One of a cluster's {@code transport_socket_matches}: endpoints whose transport-socket labels (the
 * string fields of their {@code metadata.filter_metadata["envoy.transport_socket_match"]}, kept in
 * the proxy's {@link dev.bowline.spi.model.Endpoint#labels()}) include all of {@code match} are
 * reached with this socket instead of the cluster's {@code transport_socket}. The first match in
 * order wins; an empty {@code match} matches every endpoint. This is how Istio's automatic mutual
 * TLS reaches endpoints with a sidecar over mutual TLS and the others in plaintext.
 *
 * <p>Immutable.
 *
 * @param name the match's name, for messages and stats
 * @param match the labels an endpoint needs
 * @param tls TLS origination for matching endpoints; empty for plaintext ({@code raw_buffer})
 */
public record TransportSocketMatch(String name, Map<String, String> match, Optional<TlsClientConfig> tls) {

  /** The metadata namespace Envoy reads transport-socket labels from. */
  public static final String METADATA_NAMESPACE = "envoy.transport_socket_match";

  public TransportSocketMatch {
    Objects.requireNonNull(name, "name");
    match = Map.copyOf(match);
    Objects.requireNonNull(tls, "tls");
  }

  /** Whether an endpoint with these transport-socket labels takes this socket. */
  public boolean matches(Map<String, String> endpointLabels) {
    return endpointLabels.entrySet().containsAll(match.entrySet());
  }
}
