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
 */
public record FilterChainConfig(
    List<String> serverNames,
    List<String> applicationProtocols,
    Optional<TlsServerConfig> tls,
    NetworkFilterConfig filter) {

  public FilterChainConfig {
    serverNames = List.copyOf(serverNames);
    applicationProtocols = List.copyOf(applicationProtocols);
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(filter, "filter");
  }
}
