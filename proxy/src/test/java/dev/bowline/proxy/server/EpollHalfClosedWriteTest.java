package dev.bowline.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.epoll.Epoll;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection whose peer has half-closed (sent its FIN) and whose interest set has therefore become
 * empty must still be able to write a response larger than the socket buffer: the write has to wait
 * for EPOLLOUT on a descriptor that the event loop still watches.
 */
class EpollHalfClosedWriteTest {

  private EventLoopGroup group;
  private Channel server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close().syncUninterruptibly();
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void writesALargeResponseAfterThePeerHalfClosed() throws Exception {
    // The proxy's platform is Linux, where the distribution ships Netty's native epoll: if it
    // cannot load, that is a failure here, not a reason to skip.
    assertThat(Epoll.isAvailable()).as("epoll: %s", Epoll.unavailabilityCause()).isTrue();
    Transport transport = Transport.best();
    assertThat(transport.name()).isEqualTo("epoll");
    byte[] payload = new byte[8 * 1024 * 1024];
    new Random(11).nextBytes(payload);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    group = transport.newGroup(1, "half-closed-test");
    server =
        new ServerBootstrap()
            .group(group)
            .channel(transport.serverChannel())
            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
            .childHandler(
                new ChannelInboundHandlerAdapter() {
                  @Override
                  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                    if (evt == ChannelInputShutdownEvent.INSTANCE) {
                      // Answer once the event loop has settled the half-closed descriptor's interest.
                      ctx.executor()
                          .schedule(
                              () ->
                                  ctx.writeAndFlush(Unpooled.wrappedBuffer(payload))
                                      .addListener(
                                          (ChannelFutureListener)
                                              f -> {
                                                if (f.isSuccess()) {
                                                  ((DuplexChannel) f.channel()).shutdownOutput();
                                                } else {
                                                  failure.set(f.cause());
                                                  f.channel().close();
                                                }
                                              }),
                              50,
                              TimeUnit.MILLISECONDS);
                    }
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
    int port = ((InetSocketAddress) server.localAddress()).getPort();

    byte[] received;
    try (Socket client = new Socket("127.0.0.1", port)) {
      client.setReceiveBufferSize(64 * 1024);
      client.shutdownOutput();
      Thread.sleep(300); // let the response fill the socket buffers before reading
      InputStream in = client.getInputStream();
      received = CompletableFuture.supplyAsync(() -> readAll(in)).get(30, TimeUnit.SECONDS);
    }

    assertThat(failure.get()).isNull();
    assertThat(received.length).isEqualTo(payload.length);
    assertThat(received).isEqualTo(payload);
  }

  private static byte[] readAll(InputStream in) {
    try {
      return in.readAllBytes();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
