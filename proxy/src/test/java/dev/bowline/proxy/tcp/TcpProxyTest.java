package dev.bowline.proxy.tcp;

import static dev.bowline.proxy.tcp.TcpTestSupport.closedByPeer;
import static dev.bowline.proxy.tcp.TcpTestSupport.cluster;
import static dev.bowline.proxy.tcp.TcpTestSupport.clusterSeries;
import static dev.bowline.proxy.tcp.TcpTestSupport.connect;
import static dev.bowline.proxy.tcp.TcpTestSupport.listener;
import static dev.bowline.proxy.tcp.TcpTestSupport.metric;
import static dev.bowline.proxy.tcp.TcpTestSupport.tcp;
import static dev.bowline.proxy.tcp.TcpTestSupport.tcpSeries;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bowline.proxy.config.ClusterConfig;
import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.config.ProxyConfig;
import dev.bowline.proxy.config.TcpProxyConfig;
import dev.bowline.proxy.config.TcpProxyConfig.WeightedCluster;
import dev.bowline.proxy.server.ProxyServer;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.upstream.Cluster;
import dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Raw TCP proxying through a {@link ProxyServer} with {@code tcp_proxy} listeners, over real
 * sockets on 127.0.0.1, against plain blocking Java servers.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TcpProxyTest {

  private final List<AutoCloseable> closeAfter = new ArrayList<>();
  private final MetricRegistry metrics = new MetricRegistry();
  private ProxyServer proxy;

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    for (AutoCloseable c : closeAfter) {
      c.close();
    }
  }

  private BlockingServer upstream(BlockingServer.Handler handler) throws IOException {
    BlockingServer s = new BlockingServer(handler);
    closeAfter.add(s);
    return s;
  }

  private ProxyServer start(ProxyConfig config) throws ConfigException {
    proxy = new ProxyServer(2, BuiltinLoadBalancers.newRegistry(), f -> null, metrics);
    proxy.apply(config);
    return proxy;
  }

  private int port(String listener) {
    return proxy.listenerAddress(listener).orElseThrow().getPort();
  }

  private static int deadPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private void awaitNoUpstreamConnections(String clusterName) {
    Cluster c = proxy.clusters().get(clusterName);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(c.activeConnections()).as("open connections of cluster " + clusterName).isZero();
              assertThat(c.hosts()).allSatisfy(h -> assertThat(h.activeConnections()).isZero());
            });
  }

  /** Writes {@code payload} from a second thread, then ends output; reads until end of input. */
  private static byte[] exchange(Socket s, byte[] payload) throws Exception {
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> {
              try {
                OutputStream out = s.getOutputStream();
                for (int off = 0; off < payload.length; off += 64 * 1024) {
                  out.write(payload, off, Math.min(64 * 1024, payload.length - off));
                }
                out.flush();
                s.shutdownOutput();
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    byte[] received = s.getInputStream().readAllBytes();
    writer.get(30, TimeUnit.SECONDS);
    return received;
  }

  @Test
  void echoesTenMegabytesIntactAndCountsBytesAndConnections() throws Exception {
    BlockingServer echo = upstream(BlockingServer.ECHO);
    start(new ProxyConfig(Optional.empty(), List.of(listener("tcp", tcp("echo", "app"))), List.of(cluster("app", echo.port()))));
    byte[] payload = new byte[10 * 1024 * 1024];
    new Random(7).nextBytes(payload);

    byte[] received;
    try (Socket s = connect(port("tcp"))) {
      received = exchange(s, payload);
    }

    assertThat(received).hasSize(payload.length);
    assertThat(received).isEqualTo(payload);
    awaitNoUpstreamConnections("app");
    assertThat(metric(metrics, tcpSeries("envoy_tcp_downstream_cx_total", "echo"))).isEqualTo(1);
    assertThat(metric(metrics, tcpSeries("envoy_tcp_downstream_cx_rx_bytes_total", "echo"))).isEqualTo(payload.length);
    assertThat(metric(metrics, tcpSeries("envoy_tcp_downstream_cx_tx_bytes_total", "echo"))).isEqualTo(payload.length);
    assertThat(metric(metrics, clusterSeries("envoy_cluster_upstream_cx_total", "app"))).isEqualTo(1);
    assertThat(metric(metrics, clusterSeries("envoy_cluster_upstream_cx_connect_fail", "app"))).isZero();
    assertThat(echo.accepted).hasValue(1);
  }

  @Test
  void relaysManyConcurrentConnectionsEachToItsOwnUpstreamConnection() throws Exception {
    BlockingServer echo = upstream(BlockingServer.ECHO);
    start(new ProxyConfig(Optional.empty(), List.of(listener("tcp", tcp("many", "app"))), List.of(cluster("app", echo.port()))));
    int connections = 64;
    int size = 256 * 1024;
    ExecutorService clients = Executors.newFixedThreadPool(connections);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < connections; i++) {
        int seed = i;
        results.add(
            clients.submit(
                () -> {
                  byte[] payload = new byte[size];
                  new Random(seed).nextBytes(payload);
                  try (Socket s = connect(port("tcp"))) {
                    return java.util.Arrays.equals(exchange(s, payload), payload);
                  }
                }));
      }
      for (Future<Boolean> r : results) {
        assertThat(r.get(30, TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      clients.shutdownNow();
    }

    awaitNoUpstreamConnections("app");
    assertThat(echo.accepted).hasValue(connections);
    assertThat(metric(metrics, tcpSeries("envoy_tcp_downstream_cx_total", "many"))).isEqualTo(connections);
    assertThat(metric(metrics, tcpSeries("envoy_tcp_downstream_cx_rx_bytes_total", "many"))).isEqualTo((long) connections * size);
    assertThat(metric(metrics, clusterSeries("envoy_cluster_upstream_cx_total", "app"))).isEqualTo(connections);
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.openConnections() == 0);
  }

  @Test
  void clientHalfCloseReachesTheUpstreamWhichCanStillReply() throws Exception {
    // The upstream reads to end of input, then answers and closes: it only answers if the proxy
    // passed the client's FIN on while keeping the way back open.
    BlockingServer counting =
        upstream(
            s -> {
              long n = s.getInputStream().readAllBytes().length;
              s.getOutputStream().write(("received " + n + "\n").getBytes(StandardCharsets.US_ASCII));
            });
    start(new ProxyConfig(Optional.empty(), List.of(listener("tcp", tcp("half", "app"))), List.of(cluster("app", counting.port()))));

    try (Socket s = connect(port("tcp"))) {
      s.getOutputStream().write("hello, world".getBytes(StandardCharsets.US_ASCII));
      s.shutdownOutput();
      String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(reply).isEqualTo("received 12\n");
    }
    awaitNoUpstreamConnections("app");
  }

  @Test
  void upstreamHalfCloseReachesTheClientWhichCanStillSend() throws Exception {
    // A server that speaks first and finishes its output (FIN), then reads what the client sends.
    ByteArrayOutputStream afterwards = new ByteArrayOutputStream();
    CompletableFuture<String> seenByUpstream = new CompletableFuture<>();
    BlockingServer banner =
        upstream(
            s -> {
              s.getOutputStream().write("banner\n".getBytes(StandardCharsets.US_ASCII));
              s.shutdownOutput();
              s.getInputStream().transferTo(afterwards);
              seenByUpstream.complete(afterwards.toString(StandardCharsets.US_ASCII));
            });
    start(new ProxyConfig(Optional.empty(), List.of(listener("tcp", tcp("banner", "app"))), List.of(cluster("app", banner.port()))));

    try (Socket s = connect(port("tcp"))) {
      assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("banner\n");
      s.getOutputStream().write("still here".getBytes(StandardCharsets.US_ASCII));
      s.shutdownOutput();
      assertThat(seenByUpstream.get(10, TimeUnit.SECONDS)).isEqualTo("still here");
    }
    awaitNoUpstreamConnections("app");
    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.openConnections() == 0);
  }

  @Test
  void refusedUpstreamClosesTheClientPromptlyAndCountsAConnectFailure() throws Exception {
    start(new ProxyConfig(Optional.empty(), List.of(listener("tcp", tcp("refused", "dead"))), List.of(cluster("dead", deadPort()))));

    try (Socket s = connect(port("tcp"))) {
      long t0 = System.nanoTime();
      assertThat(closedByPeer(s)).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }
    assertThat(metric(metrics, clusterSeries("envoy_cluster_upstream_cx_connect_fail", "dead"))).isEqualTo(1);
    assertThat(proxy.clusters().get("dead").hosts().get(0).connectFailures()).isEqualTo(1);
    awaitNoUpstreamConnections("dead");
  }

  @Test
  void closesConnectionsWithoutARouteAHealthyHostOrRoomUnderMaxConnections() throws Exception {
    BlockingServer echo = upstream(BlockingServer.ECHO);
    start(
        new ProxyConfig(
            Optional.empty(),
            List.of(
                listener("ghost", tcp("ghost", "nonexistent")),
                listener("empty", tcp("empty", "empty")),
                listener("limited", tcp("limited", "limited"))),
            List.of(
                cluster("empty"),
                cluster("limited", new ClusterConfig.CircuitBreakerLimits(1, 1024, 1024, 3), Optional.empty(), echo.port()))));

    try (Socket s = connect(port("ghost"))) {
      assertThat(closedByPeer(s)).isTrue();
    }
    assertThat(metric(metrics, tcpSeries("envoy_tcp_downstream_cx_no_route", "ghost"))).isEqualTo(1);

    try (Socket s = connect(port("empty"))) {
      assertThat(closedByPeer(s)).isTrue();
    }
    assertThat(metric(metrics, clusterSeries("envoy_cluster_upstream_cx_none_healthy", "empty"))).isEqualTo(1);

    try (Socket first = connect(port("limited"))) {
      first.getOutputStream().write('x');
      assertThat(first.getInputStream().read()).isEqualTo('x');
      try (Socket second = connect(port("limited"))) {
        assertThat(closedByPeer(second)).isTrue();
      }
      assertThat(metric(metrics, clusterSeries("envoy_cluster_upstream_cx_overflow", "limited"))).isEqualTo(1);
    }
    awaitNoUpstreamConnections("limited");
    try (Socket again = connect(port("limited"))) {
      again.getOutputStream().write('y');
      assertThat(again.getInputStream().read()).isEqualTo('y');
    }
    assertThat(echo.accepted).hasValue(2);
  }

  @Test
  void idleTimeoutClosesBothSides() throws Exception {
    BlockingServer echo = upstream(BlockingServer.ECHO);
    start(
        new ProxyConfig(
            Optional.empty(),
            List.of(listener("tcp", tcp("idle", Duration.ofMillis(300), new WeightedCluster("app", 1)))),
            List.of(cluster("app", echo.port()))));

    try (Socket s = connect(port("tcp"))) {
      s.getOutputStream().write('x');
      assertThat(s.getInputStream().read()).isEqualTo('x');
      long lastByte = System.nanoTime();
      assertThat(closedByPeer(s)).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - lastByte))
          .isGreaterThanOrEqualTo(Duration.ofMillis(250))
          .isLessThan(Duration.ofSeconds(5));
    }
    assertThat(metric(metrics, tcpSeries("envoy_tcp_idle_timeout", "idle"))).isEqualTo(1);
    // The upstream saw its connection end too.
    await().atMost(Duration.ofSeconds(5)).until(() -> echo.finished.get() == 1);
    awaitNoUpstreamConnections("app");
  }

  @Test
  void zeroIdleTimeoutKeepsAQuietConnectionOpen() throws Exception {
    BlockingServer echo = upstream(BlockingServer.ECHO);
    start(
        new ProxyConfig(
            Optional.empty(),
            List.of(
                listener("never", tcp("never", Duration.ZERO, new WeightedCluster("app", 1))),
                listener("short", tcp("short", Duration.ofMillis(200), new WeightedCluster("app", 1)))),
            List.of(cluster("app", echo.port()))));

    try (Socket quiet = connect(port("never"));
        Socket timed = connect(port("short"))) {
      quiet.getOutputStream().write('a');
      assertThat(quiet.getInputStream().read()).isEqualTo('a');
      timed.getOutputStream().write('b');
      assertThat(timed.getInputStream().read()).isEqualTo('b');
      // Once the short-timeout connection (started later) has timed out, the other one, with no
      // timeout, must still work.
      assertThat(closedByPeer(timed)).isTrue();
      quiet.getOutputStream().write('c');
      assertThat(quiet.getInputStream().read()).isEqualTo('c');
    }
    assertThat(metric(metrics, tcpSeries("envoy_tcp_idle_timeout", "never"))).isZero();
    assertThat(metric(metrics, tcpSeries("envoy_tcp_idle_timeout", "short"))).isEqualTo(1);
  }

  @Test
  void weightedClustersSplitConnectionsByWeight() throws Exception {
    BlockingServer light = upstream(BlockingServer.ECHO);
    BlockingServer heavy = upstream(BlockingServer.ECHO);
    start(
        new ProxyConfig(
            Optional.empty(),
            List.of(
                listener(
                    "tcp",
                    tcp("split", Duration.ofHours(1), new WeightedCluster("light", 1), new WeightedCluster("heavy", 3)))),
            List.of(cluster("light", light.port()), cluster("heavy", heavy.port()))));

    int connections = 200;
    for (int i = 0; i < connections; i++) {
      try (Socket s = connect(port("tcp"))) {
        s.getOutputStream().write(i & 0x7f);
        assertThat(s.getInputStream().read()).isEqualTo(i & 0x7f);
      }
    }

    // Expected 50 and 150 (binomial, standard deviation about 6): a wide band.
    assertThat(light.accepted.get() + heavy.accepted.get()).isEqualTo(connections);
    assertThat(light.accepted.get()).isBetween(20, 85);
    assertThat(metric(metrics, clusterSeries("envoy_cluster_upstream_cx_total", "light"))).isEqualTo(light.accepted.get());
    assertThat(metric(metrics, clusterSeries("envoy_cluster_upstream_cx_total", "heavy"))).isEqualTo(heavy.accepted.get());
  }

  @Test
  void aConfigurationChangeKeepsConnectionsInFlightAndAppliesToNewOnes() throws Exception {
    BlockingServer first = upstream(BlockingServer.ECHO);
    BlockingServer second = upstream(BlockingServer.ECHO);
    start(new ProxyConfig(Optional.empty(), List.of(listener("tcp", tcp("swap", "one"))), List.of(cluster("one", first.port()), cluster("two", second.port()))));

    try (Socket before = connect(port("tcp"))) {
      before.getOutputStream().write('1');
      assertThat(before.getInputStream().read()).isEqualTo('1');

      proxy.apply(new ProxyConfig(Optional.empty(), List.of(listener("tcp", tcp("swap", "two"))), List.of(cluster("one", first.port()), cluster("two", second.port()))));

      try (Socket after = connect(port("tcp"))) {
        after.getOutputStream().write('2');
        assertThat(after.getInputStream().read()).isEqualTo('2');
      }
      before.getOutputStream().write('3');
      assertThat(before.getInputStream().read()).isEqualTo('3');
    }
    assertThat(first.accepted).hasValue(1);
    assertThat(second.accepted).hasValue(1);
  }

  @Test
  void rejectsAWeightBelowOneNamingTheField() {
    TcpProxyConfig bad =
        tcp("bad", Duration.ofHours(1), new WeightedCluster("a", 1), new WeightedCluster("b", 0));
    assertThatThrownBy(
            () ->
                TcpProxy.create(
                    bad,
                    "listener l: filter_chains[0].filters[0].typed_config",
                    null,
                    null,
                    metrics))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "listener l: filter_chains[0].filters[0].typed_config.weighted_clusters.clusters[1].weight:"
                + " must be at least 1, is 0");
  }
}
