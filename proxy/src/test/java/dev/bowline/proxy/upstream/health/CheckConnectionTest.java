package dev.bowline.proxy.upstream.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The connection a check client keeps, against real sockets (plaintext: TLS is the e2e tests'). */
class CheckConnectionTest {

  private final NioEventLoopGroup group = new NioEventLoopGroup(1);
  private final EventLoop loop = group.next();
  private final ProbeConnector connector =
      (l, address, initializer) ->
          new Bootstrap()
              .group(l)
              .channel(NioSocketChannel.class)
              .handler(initializer)
              .connect(address);
  private final List<String> heard = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
  }

  private CheckConnection connectionTo(int port) {
    return new CheckConnection(
        loop, connector, new InetSocketAddress("127.0.0.1", port), Optional.empty());
  }

  /** Records what an attempt reports, tagged. */
  private ProbeConnections.Opened recorder(String tag) {
    return new ProbeConnections.Opened() {
      @Override
      public void ready(Channel channel) {
        heard.add(tag + " ready");
      }

      @Override
      public void failed() {
        heard.add(tag + " failed");
      }
    };
  }

  /** Runs {@code task} on the connection's event loop, where it is confined. */
  private <T> T onLoop(Callable<T> task) throws Exception {
    return loop.submit(task).get();
  }

  @Test
  void anOpenedConnectionIsReadyUntilDropped() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      CheckConnection connection = connectionTo(server.getLocalPort());
      assertThat(onLoop(connection::isReady)).isFalse();

      Channel opening =
          onLoop(
              () -> {
                connection.open(p -> {}, recorder("first"));
                return connection.channel();
              });
      await().atMost(Duration.ofSeconds(5)).until(() -> heard.contains("first ready"));
      assertThat(onLoop(connection::isReady)).isTrue();
      assertThat(onLoop(() -> connection.isCurrent(opening))).isTrue();

      onLoop(
          () -> {
            connection.drop();
            return null;
          });
      assertThat(onLoop(connection::isReady)).isFalse();
      assertThat(onLoop(connection::channel)).isNull();
      await().atMost(Duration.ofSeconds(5)).until(() -> !opening.isOpen());
      assertThat(heard).containsExactly("first ready");
    }
  }

  @Test
  void aRefusedConnectionReportsFailedAndLeavesNoConnection() throws Exception {
    int closedPort;
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      closedPort = server.getLocalPort();
    }
    CheckConnection connection = connectionTo(closedPort);

    onLoop(
        () -> {
          connection.open(p -> {}, recorder("refused"));
          return null;
        });

    await().atMost(Duration.ofSeconds(5)).until(() -> heard.contains("refused failed"));
    assertThat(onLoop(connection::channel)).isNull();
    assertThat(onLoop(connection::isReady)).isFalse();
  }

  @Test
  void aNewerAttemptSilencesTheOlderOne() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      CheckConnection connection = connectionTo(server.getLocalPort());

      Channel older =
          onLoop(
              () -> {
                connection.open(p -> {}, recorder("older"));
                Channel first = connection.channel();
                connection.open(p -> {}, recorder("newer"));
                return first;
              });

      await().atMost(Duration.ofSeconds(5)).until(() -> heard.contains("newer ready"));
      await().atMost(Duration.ofSeconds(5)).until(() -> !older.isOpen());
      onLoop(() -> null); // what the older attempt had queued on the loop has run
      assertThat(heard).containsExactly("newer ready");
      assertThat(onLoop(() -> connection.isCurrent(older))).isFalse();
    }
  }

  @Test
  void losingTheConnectionHeldForgetsItOnce() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      CheckConnection connection = connectionTo(server.getLocalPort());
      Channel held =
          onLoop(
              () -> {
                connection.open(p -> {}, recorder("held"));
                return connection.channel();
              });
      await().atMost(Duration.ofSeconds(5)).until(() -> heard.contains("held ready"));

      assertThat(onLoop(() -> connection.lost(held))).isTrue();
      assertThat(onLoop(() -> connection.lost(held))).as("already forgotten").isFalse();
      assertThat(onLoop(connection::isReady)).isFalse();
      assertThat(onLoop(connection::channel)).isNull();
      held.close().sync();
    }
  }
}
