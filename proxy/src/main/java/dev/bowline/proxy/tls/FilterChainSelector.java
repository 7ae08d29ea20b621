package dev.bowline.proxy.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslClientHelloHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per connection: buffers bytes until the ClientHello is complete, reads its SNI and ALPN offer,
 * selects the filter chain, and hands over to the chain's {@link SslHandler} (TLS) or straight to
 * the data path (plaintext/passthrough). Closes connections that match no chain or send no
 * ClientHello in time. See {@link ListenerTls} for the contract.
 *
 * <p><b>Threading.</b> One instance per connection, used on its event loop only.
 */
final class FilterChainSelector extends SslClientHelloHandler<Integer> {

  private static final Logger log = LoggerFactory.getLogger(FilterChainSelector.class);

  private final ListenerTls listener;
  private final FilterChainInitializer initializer;
  private ClientHello clientHello = ClientHello.NONE;
  private Future<?> timeout;

  FilterChainSelector(ListenerTls listener, FilterChainInitializer initializer) {
    this.listener = listener;
    this.initializer = initializer;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    super.handlerAdded(ctx);
    if (ctx.channel().isActive()) {
      startTimeout(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    startTimeout(ctx);
    super.channelActive(ctx);
  }

  private void startTimeout(ChannelHandlerContext ctx) {
    if (timeout != null) {
      return;
    }
    timeout =
        ctx.executor()
            .schedule(
                () -> {
                  if (!ctx.isRemoved()) {
                    log.debug(
                        "{}: no ClientHello within {} ms; closing",
                        ctx.channel(),
                        listener.clientHelloTimeoutMillis());
                    ctx.close();
                  }
                },
                listener.clientHelloTimeoutMillis(),
                TimeUnit.MILLISECONDS);
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
    if (timeout != null) {
      timeout.cancel(false);
    }
    super.handlerRemoved0(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Not TLS, an oversized ClientHello, or a failure of the selection itself: the data path's
    // handlers are not installed yet, so nobody further on could handle it.
    log.debug("{}: closing before a filter chain was selected", ctx.channel(), cause);
    ctx.close();
  }

  @Override
  protected Future<Integer> lookup(ChannelHandlerContext ctx, ByteBuf hello) {
    // The buffer is released by the caller as soon as this returns: read it now.
    clientHello = hello == null ? ClientHello.NONE : ClientHello.parse(hello);
    OptionalInt index = listener.select(clientHello);
    return ctx.executor().newSucceededFuture(index.isPresent() ? index.getAsInt() : -1);
  }

  @Override
  protected void onLookupComplete(ChannelHandlerContext ctx, Future<Integer> future)
      throws Exception {
    if (timeout != null) {
      timeout.cancel(false);
    }
    if (!clientHello.tls() && listener.detectsHttp()) {
      // Replacing forwards the bytes read so far to the sniffer, which selects the chain.
      ctx.pipeline()
          .replace(this, HttpVersionSniffer.NAME, new HttpVersionSniffer(listener, initializer));
      return;
    }
    int index = future.getNow();
    if (index < 0) {
      log.debug("{}: no filter chain matches {}; closing", ctx.channel(), clientHello);
      try {
        initializer.onNoFilterChainMatch(ctx.channel(), clientHello);
      } finally {
        ctx.close();
      }
      return;
    }
    Optional<SslContext> context = listener.serverContext(index);
    if (context.isPresent()) {
      SslHandler ssl = context.get().newHandler(ctx.alloc());
      TlsHandshakeStage stage =
          new TlsHandshakeStage(ssl, index, listener.chains().get(index), clientHello, initializer);
      ctx.pipeline().addAfter(ctx.name(), ListenerTls.HANDSHAKE_HANDLER, stage);
      // Replacing forwards the buffered ClientHello to the SslHandler.
      ctx.pipeline().replace(this, ListenerTls.SSL_HANDLER, ssl);
      return;
    }
    try {
      initializer.initialize(
          ctx.channel(),
          new FilterChainSelection(
              index,
              listener.chains().get(index),
              clientHello,
              Optional.empty(),
              Optional.empty()));
    } catch (Exception e) {
      log.warn("{}: filter chain {} could not be installed; closing", ctx.channel(), index, e);
      ctx.close();
      return;
    }
    // Removing forwards the buffered bytes, ClientHello included, to the handlers just added.
    ctx.pipeline().remove(this);
  }
}
