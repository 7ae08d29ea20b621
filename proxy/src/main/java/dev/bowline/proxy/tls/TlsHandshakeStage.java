package dev.bowline.proxy.tls;

import dev.bowline.proxy.config.FilterChainConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits right after a TLS chain's {@link SslHandler} until the handshake ends. On success it keeps
 * the peer's {@link PeerIdentity} on the channel (when the peer sent a certificate), calls the
 * {@link FilterChainInitializer} with the negotiated ALPN protocol and session, passes on the
 * handshake event and any plaintext that arrived early, and removes itself (Netty's {@code
 * ApplicationProtocolNegotiationHandler} pattern). On failure it reports and closes.
 *
 * <p><b>Threading.</b> One instance per connection, used on its event loop only.
 */
final class TlsHandshakeStage extends ChannelInboundHandlerAdapter {

  private static final Logger log = LoggerFactory.getLogger(TlsHandshakeStage.class);

  private final SslHandler ssl;
  private final int chainIndex;
  private final FilterChainConfig chain;
  private final ClientHello clientHello;
  private final FilterChainInitializer initializer;
  private final ArrayDeque<Object> early = new ArrayDeque<>(2);
  private boolean finished;

  TlsHandshakeStage(
      SslHandler ssl,
      int chainIndex,
      FilterChainConfig chain,
      ClientHello clientHello,
      FilterChainInitializer initializer) {
    this.ssl = ssl;
    this.chainIndex = chainIndex;
    this.chain = chain;
    this.clientHello = clientHello;
    this.initializer = initializer;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    early.add(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // Held back with the data it completes.
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (!(evt instanceof SslHandshakeCompletionEvent completion)) {
      ctx.fireUserEventTriggered(evt);
      return;
    }
    finished = true;
    if (!completion.isSuccess()) {
      fail(ctx, completion.cause());
      return;
    }
    SSLSession session = ssl.engine().getSession();
    PeerIdentity.fromSession(session)
        .ifPresent(identity -> ctx.channel().attr(PeerIdentity.ATTRIBUTE).set(identity));
    FilterChainSelection selection =
        new FilterChainSelection(
            chainIndex,
            chain,
            clientHello,
            Optional.ofNullable(ssl.applicationProtocol()),
            Optional.of(session));
    try {
      initializer.initialize(ctx.channel(), selection);
    } catch (Exception e) {
      log.warn("{}: filter chain {} could not be installed; closing", ctx.channel(), chainIndex, e);
      releaseEarly();
      ctx.close();
      return;
    }
    ctx.fireUserEventTriggered(evt);
    boolean delivered = !early.isEmpty();
    Object msg;
    while ((msg = early.poll()) != null) {
      ctx.fireChannelRead(msg);
    }
    if (delivered) {
      ctx.fireChannelReadComplete();
    }
    ctx.pipeline().remove(this);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // This handler leaves the pipeline as soon as the handshake succeeds, so anything seen here
    // belongs to a failing handshake. The SslHandler reports that failure both here and as a
    // completion event; the event carries the cause to the initializer, so this copy is only
    // logged. The data path's handlers are not installed yet: nobody further on could handle it.
    log.debug(
        "{}: TLS error during the handshake of filter chain {}", ctx.channel(), chainIndex, cause);
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (!finished) {
      finished = true;
      fail(ctx, new ClosedChannelException());
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseEarly();
  }

  private void fail(ChannelHandlerContext ctx, Throwable cause) {
    releaseEarly();
    log.debug(
        "{}: TLS handshake of filter chain {} failed: {}",
        ctx.channel(),
        chainIndex,
        String.valueOf(cause));
    try {
      initializer.onHandshakeFailure(ctx.channel(), chainIndex, cause);
    } finally {
      ctx.close();
    }
  }

  private void releaseEarly() {
    Object msg;
    while ((msg = early.poll()) != null) {
      ReferenceCountUtil.release(msg);
    }
  }
}
