package dev.bowline.proxy.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * TLS origination settings of one cluster, ready to use: the client {@link SslContext} and the SNI
 * to send. Built by {@link ClientTlsContexts#build}.
 *
 * <p>Use {@link #newHandler(ByteBufAllocator, String, int)} for each upstream connection and put
 * the handler first in the pipeline; then wait for {@link SslHandler#handshakeFuture()}. A failed
 * handshake (untrusted chain, no accepted subject alternative name, no common protocol or suite)
 * fails that future with an {@link javax.net.ssl.SSLHandshakeException} whose message (and cause
 * chain) says why, and Netty closes the connection. After success, {@link
 * SslHandler#applicationProtocol()} is the protocol the server selected by ALPN ({@code h2}, {@code
 * http/1.1}) or {@code null} when none was.
 *
 * <p><b>Threading.</b> Immutable; share one per cluster across all event loops. Each handler
 * belongs to one connection.
 */
public final class ClientTlsContext {

  private final SslContext sslContext;
  private final Optional<String> sni;
  private final List<SNIServerName> serverNames;
  private final List<String> alpn;

  ClientTlsContext(SslContext sslContext, Optional<String> sni, List<String> alpn) {
    this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
    this.sni = Objects.requireNonNull(sni, "sni");
    this.serverNames =
        sni.<List<SNIServerName>>map(name -> List.of(new SNIHostName(name))).orElse(List.of());
    this.alpn = List.copyOf(alpn);
  }

  /** The Netty context (JDK provider, client mode). */
  public SslContext sslContext() {
    return sslContext;
  }

  /** The server name sent in the ClientHello; empty means no SNI extension at all. */
  public Optional<String> sni() {
    return sni;
  }

  /** The ALPN protocols offered, in preference order; empty means no ALPN extension. */
  public List<String> alpn() {
    return alpn;
  }

  /**
   * A handler for one upstream connection, without a peer identity for session resumption.
   *
   * @see #newHandler(ByteBufAllocator, String, int)
   */
  public SslHandler newHandler(ByteBufAllocator alloc) {
    return withServerNames(sslContext.newHandler(alloc));
  }

  /**
   * A handler for one upstream connection to {@code peerHost:peerPort}. The peer only keys the
   * JDK's session cache (so reconnecting to the same endpoint can resume); it is never sent as SNI
   * and never checked against the certificate: SNI is {@link #sni()} and the certificate is checked
   * against the configured CA and subject alternative names.
   *
   * @param peerHost the endpoint's address or name, as the pool knows it
   * @param peerPort the endpoint's port
   */
  public SslHandler newHandler(ByteBufAllocator alloc, String peerHost, int peerPort) {
    return withServerNames(sslContext.newHandler(alloc, peerHost, peerPort));
  }

  private SslHandler withServerNames(SslHandler handler) {
    // The JDK sends the peer host as SNI on its own; state the configured SNI (or none) instead.
    SSLEngine engine = handler.engine();
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setServerNames(serverNames);
    engine.setSSLParameters(parameters);
    return handler;
  }
}
