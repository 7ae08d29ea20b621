package dev.bowline.proxy.tls;

import dev.bowline.proxy.config.FilterChainConfig;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * The filter chain chosen for a downstream connection, and what TLS settled: handed to {@link
 * FilterChainInitializer#initialize} once the connection is ready for the chain's network filter.
 *
 * <p><b>Threading.</b> Immutable (the {@link SSLSession} is the engine's own).
 *
 * @param chainIndex the chain's index in {@link
 *     dev.bowline.proxy.config.ListenerConfig#filterChains()}
 * @param chain that chain
 * @param clientHello the SNI and ALPN offer read from the ClientHello ({@link ClientHello#NONE}
 *     when the listener does not inspect it or the connection did not start with one)
 * @param applicationProtocol the protocol negotiated by ALPN ({@code h2}, {@code http/1.1}, ...);
 *     empty when the chain does not terminate TLS or no protocol was agreed
 * @param tlsSession the TLS session when the chain terminates TLS (peer certificates, protocol,
 *     cipher suite); empty for plaintext and TLS-passthrough chains
 */
public record FilterChainSelection(
    int chainIndex,
    FilterChainConfig chain,
    ClientHello clientHello,
    Optional<String> applicationProtocol,
    Optional<SSLSession> tlsSession) {

  public FilterChainSelection {
    Objects.requireNonNull(chain, "chain");
    Objects.requireNonNull(clientHello, "clientHello");
    Objects.requireNonNull(applicationProtocol, "applicationProtocol");
    Objects.requireNonNull(tlsSession, "tlsSession");
  }

  /** Whether the proxy terminated TLS on this connection (bytes the filter sees are plaintext). */
  public boolean terminatesTls() {
    return tlsSession.isPresent();
  }
}
