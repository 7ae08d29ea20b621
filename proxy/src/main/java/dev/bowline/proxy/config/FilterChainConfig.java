package dev.bowline.proxy.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One filter chain of a listener: which connections it takes, whether it terminates TLS, and the
 * network filter that serves them (HTTP connection manager or TCP proxy).
 *
 * @param serverNames SNI names this chain serves (exact or {@code *.suffix}); empty means any
 * @param applicationProtocols ALPN protocols this chain serves; empty means any
 * @param tls TLS termination settings, when the chain terminates TLS
 * @param filter the terminal network filter
 * @param transportProtocol whether this chain serves TLS connections, plaintext ones, or both
 *     (Envoy's {@code filter_chain_match.transport_protocol})
 */
public record FilterChainConfig(
    List<String> serverNames,
    List<String> applicationProtocols,
    Optional<TlsServerConfig> tls,
    NetworkFilterConfig filter,
    TransportProtocol transportProtocol) {

  /**
   * Envoy's {@code filter_chain_match.transport_protocol}, as its {@code tls_inspector} detects
   * it from a connection's first bytes.
   */
  public enum TransportProtocol {
    /** Empty: any connection. */
    ANY(""),
    /** {@code tls}: the connection starts with a TLS ClientHello. */
    TLS("tls"),
    /** {@code raw_buffer}: it does not (plaintext). */
    RAW_BUFFER("raw_buffer");

    private final String envoyName;

    TransportProtocol(String envoyName) {
      this.envoyName = envoyName;
    }

    /** The value as Envoy writes it ({@code ""}, {@code tls}, {@code raw_buffer}). */
    public String envoyName() {
      return envoyName;
    }
  }

  public FilterChainConfig {
    serverNames = List.copyOf(serverNames);
    applicationProtocols = List.copyOf(applicationProtocols);
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(transportProtocol, "transportProtocol");
  }

  /** A chain that takes TLS and plaintext connections alike. */
  public FilterChainConfig(
      List<String> serverNames,
      List<String> applicationProtocols,
      Optional<TlsServerConfig> tls,
      NetworkFilterConfig filter) {
    this(serverNames, applicationProtocols, tls, filter, TransportProtocol.ANY);
  }
}
