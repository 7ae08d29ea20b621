package dev.bowline.proxy.tls;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLSession;

/**
 * A real client for {@link LineServer}: one connection, TLS (a handler from the given factory) or
 * plaintext, sending lines and reading the answers. A refused connection shows as a failed
 * handshake or, in TLS 1.3 where the client finishes before the server has judged its
 * certificate, as a request that gets no answer because the server closed the connection.
 */
final class LineClient implements AutoCloseable {

  private static final String CLOSED = "\u0000closed";

  private final Channel channel;
  private final SslHandler ssl;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final Throwable handshakeFailure;

  /**
   * Connects and, with TLS, waits for the client's side of the handshake.
   *
   * @param tls makes the connection's TLS handler; null for plaintext
   */
  LineClient(EventLoopGroup group, int port, Function<Channel, SslHandler> tls)
      throws InterruptedException {
    SslHandler[] made = new SslHandler[1];
    channel =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (tls != null) {
                      made[0] = tls.apply(ch);
                      ch.pipeline().addLast(made[0]);
                    }
                    ch.pipeline()
                        .addLast(new LineBasedFrameDecoder(1024))
                        .addLast(new StringDecoder(StandardCharsets.UTF_8))
                        .addLast(
                            new SimpleChannelInboundHandler<String>() {
                              @Override
                              protected void channelRead0(ChannelHandlerContext ctx, String line) {
                                lines.add(line);
                              }

                              @Override
                              public void channelInactive(ChannelHandlerContext ctx) {
                                lines.add(CLOSED);
                              }

                              @Override
                              public void exceptionCaught(ChannelHandlerContext ctx, Throwable t) {
                                ctx.close();
                              }
                            });
                  }
                })
            .connect(new InetSocketAddress("127.0.0.1", port))
            .sync()
            .channel();
    ssl = made[0];
    Throwable failure = null;
    if (ssl != null) {
      boolean ended = ssl.handshakeFuture().await(10, TimeUnit.SECONDS);
      failure =
          ended
              ? ssl.handshakeFuture().cause()
              : new AssertionError("handshake did not end within 10 s");
    }
    handshakeFailure = failure;
  }

  /** Why the client's side of the handshake failed, or null when it did not. */
  Throwable handshakeFailure() {
    return handshakeFailure;
  }

  /** Sends bytes as they are, without waiting for an answer. */
  void send(String text) {
    channel.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
  }

  /** Sends a line and returns the answer; empty when the connection closed without one. */
  Optional<String> request(String line) throws InterruptedException {
    if (handshakeFailure != null) {
      return Optional.empty();
    }
    channel.writeAndFlush(Unpooled.copiedBuffer(line + "\n", StandardCharsets.UTF_8));
    String answer = lines.poll(10, TimeUnit.SECONDS);
    if (answer == null) {
      throw new AssertionError("no answer and no close within 10 s");
    }
    return answer.equals(CLOSED) ? Optional.empty() : Optional.of(answer);
  }

  /** The TLS session of this connection. */
  SSLSession session() {
    return ssl.engine().getSession();
  }

  /** The leaf certificate the server presented on this connection. */
  X509Certificate serverCertificate() throws Exception {
    return (X509Certificate) ssl.engine().getSession().getPeerCertificates()[0];
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }
}
