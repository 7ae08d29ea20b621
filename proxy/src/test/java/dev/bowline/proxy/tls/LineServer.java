package dev.bowline.proxy.tls;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A real server built from a {@link ListenerTls}: it answers each line a connection sends with
 * {@code chain=<index> peer=<principal>} (the {@link PeerIdentity} the handshake left on the
 * channel, {@code -} without one) and keeps the connection open. Handshake failures are recorded
 * with their cause chain, so a test can tell which rule refused a peer.
 */
final class LineServer implements AutoCloseable {

  final Queue<String> handshakeFailures = new ConcurrentLinkedQueue<>();
  private final Channel channel;

  LineServer(EventLoopGroup group, ListenerTls tls) throws InterruptedException {
    FilterChainInitializer initializer =
        new FilterChainInitializer() {
          @Override
          public void initialize(Channel ch, FilterChainSelection selection) {
            ch.pipeline()
                .addLast(new LineBasedFrameDecoder(1024))
                .addLast(new StringDecoder(StandardCharsets.UTF_8))
                .addLast(
                    new SimpleChannelInboundHandler<String>() {
                      @Override
                      protected void channelRead0(ChannelHandlerContext ctx, String line) {
                        String peer =
                            PeerIdentity.of(ctx.channel())
                                .map(id -> id.principal().orElse(String.join(",", id.uriSans())))
                                .orElse("-");
                        ctx.writeAndFlush(
                            Unpooled.copiedBuffer(
                                "chain=" + selection.chainIndex() + " peer=" + peer + "\n",
                                StandardCharsets.UTF_8));
                      }
                    });
          }

          @Override
          public void onHandshakeFailure(Channel ch, int chainIndex, Throwable cause) {
            StringBuilder causes = new StringBuilder();
            for (Throwable t = cause; t != null; t = t.getCause()) {
              causes.append(t).append('\n');
            }
            handshakeFailures.add(causes.toString());
          }
        };
    channel =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) throws Exception {
                    tls.install(ch, initializer);
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
  }

  int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }
}
