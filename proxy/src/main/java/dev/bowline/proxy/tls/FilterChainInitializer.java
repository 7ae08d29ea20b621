package dev.bowline.proxy.tls;

import io.netty.channel.Channel;

/**
 * The data path's half of filter-chain selection: installs the selected chain's network filter
 * (HTTP connection manager or TCP proxy) on a downstream connection. Passed to {@link
 * ListenerTls#install}.
 *
 * <p><b>Threading.</b> Every method is called on the connection's event loop and must not block.
 * One instance may serve every connection of a listener, on every event loop, so it must be
 * thread-safe (typically stateless, or holding only the immutable config snapshot).
 */
@FunctionalInterface
public interface FilterChainInitializer {

  /**
   * Installs the chain's handlers, normally with {@code channel.pipeline().addLast(...)}. Called
   * once per connection: for a chain that terminates TLS, after the handshake succeeded (the {@link
   * io.netty.handler.ssl.SslHandler} named {@link ListenerTls#SSL_HANDLER} stays in front and the
   * handlers added here see plaintext); for a plaintext or TLS-passthrough chain, as soon as the
   * chain is known (the handlers added here see the connection's bytes from the very first,
   * ClientHello included). Bytes that arrived in the meantime are delivered to the new handlers
   * right after this returns, so they must be ready to read them.
   *
   * <p>Use {@link FilterChainSelection#applicationProtocol()} to pick the codec: {@code h2} means
   * HTTP/2, {@code http/1.1} means HTTP/1.1, empty means the listener's codec setting decides
   * (Envoy's AUTO: sniff the HTTP/2 preface).
   *
   * <p>If this throws, the connection is closed.
   */
  void initialize(Channel channel, FilterChainSelection selection) throws Exception;

  /**
   * Called when no chain matches the connection (for example an unknown SNI on a listener with no
   * default chain), just before the connection is closed; for counters such as Envoy's {@code
   * no_filter_chain_match}. Does nothing by default.
   */
  default void onNoFilterChainMatch(Channel channel, ClientHello clientHello) {}

  /**
   * Called when the TLS handshake of a chain fails (or the connection closes during it), just
   * before the connection is closed; for counters such as Envoy's {@code ssl.connection_error}.
   * Does nothing by default.
   */
  default void onHandshakeFailure(Channel channel, int chainIndex, Throwable cause) {}
}
