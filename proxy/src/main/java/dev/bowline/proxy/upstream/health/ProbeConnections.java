package dev.bowline.proxy.upstream.health;

import dev.bowline.proxy.tls.ClientTlsContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Opens health-check connections the way the cluster opens its own: TLS first when the cluster
 * originates it (same context, SNI and verification), then the check's handlers.
 *
 * <p>Stateless.
 */
final class ProbeConnections {

  static final String TLS_HANDLER = "bowline-hc-tls";

  private ProbeConnections() {}

  /** What became of a connection attempt. */
  interface Opened {
    /** Connected, and shaken hands when TLS is on. */
    void ready(Channel channel);

    /** The connection or the handshake failed. */
    void failed();
  }

  /** Starts connecting; {@code handlers} sets up the pipeline after the TLS handler. */
  static ChannelFuture connect(
      EventLoop loop,
      ProbeConnector connector,
      InetSocketAddress address,
      Optional<ClientTlsContext> tls,
      Consumer<ChannelPipeline> handlers) {
    return connector.connect(
        loop,
        address,
        new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            tls.ifPresent(
                t ->
                    ch.pipeline()
                        .addLast(
                            TLS_HANDLER,
                            t.newHandler(ch.alloc(), address.getHostString(), address.getPort())));
            handlers.accept(ch.pipeline());
          }
        });
  }

  /** Tells {@code opened} once {@code connect} and any TLS handshake are done. */
  static void whenReady(ChannelFuture connect, Opened opened) {
    connect.addListener(
        f -> {
          if (!f.isSuccess()) {
            opened.failed();
            return;
          }
          Channel ch = connect.channel();
          SslHandler ssl = (SslHandler) ch.pipeline().get(TLS_HANDLER);
          if (ssl == null) {
            opened.ready(ch);
            return;
          }
          ssl.handshakeFuture()
              .addListener(
                  h -> {
                    if (h.isSuccess()) {
                      opened.ready(ch);
                    } else {
                      ch.close();
                      opened.failed();
                    }
                  });
        });
  }
}
