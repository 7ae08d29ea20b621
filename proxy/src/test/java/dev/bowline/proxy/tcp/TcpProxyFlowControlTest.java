package dev.bowline.proxy.tcp;

import static dev.bowline.proxy.tcp.TcpTestSupport.cluster;
import static dev.bowline.proxy.tcp.TcpTestSupport.clusterSeries;
import static dev.bowline.proxy.tcp.TcpTestSupport.fillPattern;
import static dev.bowline.proxy.tcp.TcpTestSupport.metric;
import static dev.bowline.proxy.tcp.TcpTestSupport.patternAt;
import static dev.bowline.proxy.tcp.TcpTestSupport.tcp;
import static dev.bowline.proxy.tcp.TcpTestSupport.tcpSeries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.upstream.ClusterManager;
import dev.bowline.proxy.upstream.UpstreamConnector;
import dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Backpressure: a peer that does not read must stall the other peer's writes, not fill the proxy's
 * memory. The proxy runs here on its own Netty server (NIO) with small socket buffers and write
 * watermarks on every socket involved, so that the bytes in flight outside the proxy's own buffers
 * are small and known, and a probe at the head of the downstream pipeline measures the most bytes
 * the proxy ever had queued for the client.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TcpProxyFlowControlTest {

  private static final int SOCKET_BUFFER = 32 * 1024;
  private static final int LOW_WATERMARK = 32 * 1024;
  private static final int HIGH_WATERMARK = 64 * 1024;
  private static final long TOTAL = 50L * 1024 * 1024;
  /**
   * Bytes that may be in the kernel's socket buffers (Linux doubles SO_*BUF) and the proxy's
   * buffers together while one side does not read: about 250 KiB here, so 1 MiB is a wide margin
   * and still 50 times less than what a proxy without flow control would have taken.
   */
  private static final long IN_FLIGHT_BOUND = 1024 * 1024;
  /** The most the proxy may queue for one connection: a watermark plus one read. */
  private static final long PROXY_QUEUE_BOUND = HIGH_WATERMARK + 128 * 1024;

  private final MetricRegistry metrics = new MetricRegistry();
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final AtomicReference<PendingWriteProbe> probe = new AtomicReference<>();
  private ClusterManager clusters;
  private Channel listener;
  private BlockingServer upstream;

  private final UpstreamConnector connector =
      (loop, address, connectTimeout, initializer) ->
          new Bootstrap()
              .group(loop)
              .channel(NioSocketChannel.class)
              .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
              .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
              .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(LOW_WATERMARK, HIGH_WATERMARK))
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
              .handler(initializer)
              .connect(address);

  @BeforeEach
  void setUp() {
    clusters = new ClusterManager(BuiltinLoadBalancers.newRegistry(), f -> null, metrics);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (listener != null) {
      listener.close().sync();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
    if (upstream != null) {
      upstream.close();
    }
  }

  private int startProxy(BlockingServer.Handler handler) throws Exception {
    upstream = new BlockingServer(handler, SOCKET_BUFFER);
    clusters.apply(List.of(cluster("slow", upstream.port())));
    TcpProxy tcp = TcpProxy.create(tcp("flow", "slow"), "test", clusters, connector, metrics);
    listener =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
            .childOption(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(LOW_WATERMARK, HIGH_WATERMARK))
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    PendingWriteProbe p = new PendingWriteProbe();
                    probe.set(p);
                    ch.pipeline().addFirst("probe", p);
                    tcp.install(ch);
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  private static Socket smallBufferedClient(int port) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(SOCKET_BUFFER);
    s.setSendBufferSize(SOCKET_BUFFER);
    s.setSoTimeout(30_000);
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    return s;
  }

  @Test
  void aClientThatDoesNotReadStallsTheUpstreamInsteadOfFillingTheProxy() throws Exception {
    PatternWriter source = new PatternWriter();
    int port =
        startProxy(
            s -> {
              s.setSendBufferSize(SOCKET_BUFFER);
              source.write(s.getOutputStream(), TOTAL);
              s.shutdownOutput();
              s.getInputStream().transferTo(OutputStream.nullOutputStream());
            });

    try (Socket client = smallBufferedClient(port)) {
      // The client reads nothing: the upstream's write must block.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> source.blockedFor().toMillis() >= 300 || source.written() == TOTAL);
      assertThat(source.written()).as("bytes the upstream could write").isLessThan(IN_FLIGHT_BOUND);
      assertThat(probe.get().peak()).isLessThanOrEqualTo(PROXY_QUEUE_BOUND);
      assertThat(metric(metrics, clusterSeries("envoy_cluster_upstream_flow_control_paused_reading_total", "slow"))).isPositive();

      // Now it reads everything: nothing lost, reordered or duplicated, and the proxy's queue for
      // it never grew past one watermark and one read on the way.
      assertThat(readPattern(client.getInputStream())).isEqualTo(TOTAL);
    }
    assertThat(probe.get().peak()).isLessThanOrEqualTo(PROXY_QUEUE_BOUND);
    assertThat(metric(metrics, clusterSeries("envoy_cluster_upstream_flow_control_resumed_reading_total", "slow"))).isPositive();
    assertThat(metric(metrics, tcpSeries("envoy_tcp_downstream_cx_tx_bytes_total", "flow"))).isEqualTo(TOTAL);
  }

  @Test
  void anUpstreamThatDoesNotReadStallsTheClientInsteadOfFillingTheProxy() throws Exception {
    CountDownLatch startReading = new CountDownLatch(1);
    CompletableFuture<Long> received = new CompletableFuture<>();
    int port =
        startProxy(
            s -> {
              try {
                startReading.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
              }
              try {
                received.complete(readPattern(s.getInputStream()));
              } catch (IOException | AssertionError e) {
                received.completeExceptionally(e);
              }
            });

    try (Socket client = smallBufferedClient(port)) {
      PatternWriter sink = new PatternWriter();
      CompletableFuture<Void> writing =
          CompletableFuture.runAsync(
              () -> {
                try {
                  sink.write(client.getOutputStream(), TOTAL);
                  client.shutdownOutput();
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> sink.blockedFor().toMillis() >= 300 || sink.written() == TOTAL);
      // Everything the proxy read from the client is in its buffers or the upstream's socket.
      long readByProxy = metric(metrics, tcpSeries("envoy_tcp_downstream_cx_rx_bytes_total", "flow"));
      assertThat(readByProxy).as("bytes the proxy read from the client").isLessThan(IN_FLIGHT_BOUND);
      assertThat(sink.written()).as("bytes the client could write").isLessThan(IN_FLIGHT_BOUND);
      assertThat(metric(metrics, tcpSeries("envoy_tcp_downstream_flow_control_paused_reading_total", "flow"))).isPositive();

      startReading.countDown();
      writing.get(60, TimeUnit.SECONDS);
      assertThat(received.get(60, TimeUnit.SECONDS)).isEqualTo(TOTAL);
      // The upstream closed after end of input: so does the client's connection.
      assertThat(client.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(metric(metrics, tcpSeries("envoy_tcp_downstream_flow_control_resumed_reading_total", "flow"))).isPositive();
  }

  /** Reads to end of input, checking every byte against the pattern; returns the count. */
  private static long readPattern(InputStream in) throws IOException {
    byte[] buf = new byte[64 * 1024];
    long offset = 0;
    int n;
    while ((n = in.read(buf)) >= 0) {
      for (int i = 0; i < n; i++) {
        if (buf[i] != patternAt(offset + i)) {
          throw new AssertionError("byte " + (offset + i) + " differs");
        }
      }
      offset += n;
    }
    return offset;
  }

  /** Writes the pattern with blocking writes, recording how long the current write has blocked. */
  private static final class PatternWriter {
    private final AtomicLong written = new AtomicLong();
    private volatile long writeStartedAt;

    void write(OutputStream out, long total) throws IOException {
      byte[] chunk = new byte[16 * 1024];
      for (long off = 0; off < total; off += chunk.length) {
        int len = (int) Math.min(chunk.length, total - off);
        fillPattern(chunk, off, len);
        writeStartedAt = System.nanoTime();
        out.write(chunk, 0, len);
        writeStartedAt = 0;
        written.addAndGet(len);
      }
      out.flush();
    }

    long written() {
      return written.get();
    }

    Duration blockedFor() {
      long started = writeStartedAt;
      return started == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - started);
    }
  }

  /**
   * At the head of a pipeline: tracks the bytes written to the channel whose write has not completed
   * yet (what sits in the channel's outbound buffer), and the most there ever were.
   */
  private static final class PendingWriteProbe extends ChannelOutboundHandlerAdapter {
    private long outstanding;
    private volatile long peak;

    long peak() {
      return peak;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (!(msg instanceof ByteBuf buf)) {
        ctx.write(msg, promise);
        return;
      }
      long n = buf.readableBytes();
      outstanding += n;
      if (outstanding > peak) {
        peak = outstanding;
      }
      ChannelPromise tracked = ctx.newPromise();
      tracked.addListener(
          f -> {
            outstanding -= n;
            if (f.isSuccess()) {
              promise.trySuccess();
            } else if (promise.isVoid()) {
              ctx.fireExceptionCaught(f.cause());
            } else {
              promise.tryFailure(f.cause());
            }
          });
      ctx.write(msg, tracked);
    }
  }
}
