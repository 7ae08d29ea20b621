package dev.bowline.proxy.http2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bowline.proxy.config.ClusterConfig.UpstreamProtocol;
import dev.bowline.proxy.config.HttpConnectionManagerConfig.CodecType;
import dev.bowline.proxy.config.ProxyConfig;
import dev.bowline.proxy.server.ProxyServer;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameTypes;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP/2 hardening rules, each sent as bad input from a frame-level client over a real socket:
 * the stream limit, rapid reset, CONTINUATION floods, header limits, flow-control windows and the
 * GOAWAY of a drain.
 */
class Http2HardeningTest {

  private static final String ROUTES =
      """
      virtual_hosts:
      - name: all
        domains: ["*"]
        routes:
        - match: {prefix: "/direct"}
          direct_response: {status: 200, body: {inline_string: "ok"}}
        - match: {prefix: "/hole"}
          route: {cluster: blackhole, timeout: 0s}
        - match: {prefix: "/"}
          route: {cluster: app}
      """;

  private static final Duration WAIT = Duration.ofSeconds(10);

  private static Http1Backend app;
  private static ServerSocket blackhole;
  private static ProxyServer proxy;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    app = new Http1Backend();
    // Accepts connections (in the kernel's backlog) and never answers.
    blackhole = new ServerSocket(0, 256, InetAddress.getLoopbackAddress());
    proxy = H2Configs.newProxy();
    proxy.apply(config());
    port = proxy.listenerAddress("h2").orElseThrow().getPort();
  }

  private static ProxyConfig config() {
    return new ProxyConfig(
        Optional.empty(),
        List.of(H2Configs.listener("h2", H2Configs.http(H2Configs.routes(ROUTES), CodecType.AUTO), Optional.empty())),
        List.of(
            H2Configs.cluster("app", UpstreamProtocol.HTTP1, app.port()),
            H2Configs.cluster("blackhole", UpstreamProtocol.HTTP1, blackhole.getLocalPort())));
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (app != null) {
      app.close();
    }
    if (blackhole != null) {
      blackhole.close();
    }
  }

  private static RawH2Client connect() throws InterruptedException {
    return new RawH2Client(port, new Http2Settings());
  }

  @Test
  void theServerAnnouncesItsLimitsAndRaisesTheConnectionWindow() throws Exception {
    try (RawH2Client client = connect()) {
      await().atMost(WAIT).until(() -> !client.frames("SETTINGS").isEmpty() && !client.frames("WINDOW_UPDATE").isEmpty());

      assertThat(client.frames("SETTINGS").get(0).headers())
          .containsEntry("3", "100") // MAX_CONCURRENT_STREAMS
          .containsEntry("4", "65536") // INITIAL_WINDOW_SIZE
          .containsEntry("6", Integer.toString(60 * 1024)); // MAX_HEADER_LIST_SIZE
      long increments =
          client.frames("WINDOW_UPDATE").stream().filter(f -> f.streamId() == 0).mapToLong(RawH2Client.Frame::code).sum();
      assertThat(increments).isEqualTo(1_048_576 - 65_535);
    }
  }

  @Test
  void streamsBeyondTheConcurrencyLimitAreRefused() throws Exception {
    try (RawH2Client client = connect()) {
      client.run(
          (ctx, writer) -> {
            for (int i = 0; i < 110; i++) {
              // Request bodies that never end: every stream stays open.
              writer.writeHeaders(ctx, 1 + 2 * i, RawH2Client.get("/hole/" + i), 0, false, ctx.newPromise());
            }
          });

      await().atMost(WAIT).until(() -> client.frames("RST_STREAM").size() >= 10);
      assertThat(client.frames("RST_STREAM"))
          .allSatisfy(f -> assertThat(f.code()).isEqualTo(Http2Error.REFUSED_STREAM.code()))
          .extracting(RawH2Client.Frame::streamId)
          .allSatisfy(id -> assertThat(id).isGreaterThan(199));
      assertThat(client.frames("RST_STREAM")).hasSize(10);
      assertThat(client.isOpen()).isTrue();
    }
    await().atMost(WAIT).until(() -> proxy.clusters().get("blackhole").activeRequests() == 0);
  }

  @Test
  void rapidResetClosesTheConnectionWithGoAway() throws Exception {
    try (RawH2Client client = connect()) {
      client.run(
          (ctx, writer) -> {
            for (int i = 0; i < 300; i++) {
              int stream = 1 + 2 * i;
              writer.writeHeaders(ctx, stream, RawH2Client.get("/direct"), 0, true, ctx.newPromise());
              writer.writeRstStream(ctx, stream, Http2Error.CANCEL.code(), ctx.newPromise());
            }
          });

      await().atMost(WAIT).until(() -> !client.isOpen());
      assertThat(client.frames("GOAWAY"))
          .extracting(RawH2Client.Frame::code)
          .contains(Http2Error.ENHANCE_YOUR_CALM.code());
    }
  }

  @Test
  void aContinuationFloodClosesTheConnection() throws Exception {
    try (RawH2Client client = connect()) {
      client.run(
          (ctx, writer) -> {
            // HEADERS without END_HEADERS, then tiny CONTINUATION frames that never end the block.
            writer.writeFrame(ctx, Http2FrameTypes.HEADERS, 1, new Http2Flags().endOfStream(true),
                Unpooled.wrappedBuffer(new byte[] {(byte) 0x82}), ctx.newPromise());
            for (int i = 0; i < 50; i++) {
              writer.writeFrame(ctx, Http2FrameTypes.CONTINUATION, 1, new Http2Flags(),
                  Unpooled.wrappedBuffer(new byte[] {(byte) 0x84}), ctx.newPromise());
            }
          });

      await().atMost(WAIT).until(() -> !client.isOpen());
      assertThat(client.frames("GOAWAY"))
          .extracting(RawH2Client.Frame::code)
          .containsExactly(Http2Error.ENHANCE_YOUR_CALM.code());
    }
  }

  @Test
  void aHeaderBlockFarBeyondTheLimitClosesTheConnectionWhileItArrives() throws Exception {
    try (RawH2Client client = connect()) {
      client.run(
          (ctx, writer) -> {
            writer.writeFrame(ctx, Http2FrameTypes.HEADERS, 1, new Http2Flags().endOfStream(true),
                Unpooled.wrappedBuffer(new byte[] {(byte) 0x82}), ctx.newPromise());
            // Large fragments (not "small" ones): only the header list limit can stop them.
            for (int i = 0; i < 8; i++) {
              writer.writeFrame(ctx, Http2FrameTypes.CONTINUATION, 1, new Http2Flags(),
                  Unpooled.wrappedBuffer(new byte[16_000]), ctx.newPromise());
            }
          });

      await().atMost(WAIT).until(() -> !client.isOpen());
      // The proxy sends GOAWAY and closes; while the client is still writing, the close may reach
      // it as a reset that discards the GOAWAY, so what must hold is: closed, and no response.
      assertThat(client.frames("HEADERS")).isEmpty();
    }
  }

  @Test
  void tooManyOrTooLargeHeadersAre431OnTheirStreamOnly() throws Exception {
    try (RawH2Client client = connect()) {
      Http2Headers many = RawH2Client.get("/direct");
      for (int i = 0; i < 101; i++) {
        many.add("x-h" + i, "v");
      }
      Http2Headers large = RawH2Client.get("/direct").add("x-big", "v".repeat(62 * 1024));
      client.run(
          (ctx, writer) -> {
            writer.writeHeaders(ctx, 1, many, 0, true, ctx.newPromise());
            writer.writeHeaders(ctx, 3, large, 0, true, ctx.newPromise());
            writer.writeHeaders(ctx, 5, RawH2Client.get("/direct"), 0, true, ctx.newPromise());
          });

      await().atMost(WAIT).until(() -> client.frames("HEADERS").size() >= 3);
      assertThat(status(client, 1)).isEqualTo("431");
      assertThat(status(client, 3)).isEqualTo("431");
      assertThat(status(client, 5)).isEqualTo("200");
      assertThat(client.isOpen()).isTrue();
    }
  }

  @Test
  void aHeaderValueWithCrLfNeverReachesTheHttp1Upstream() throws Exception {
    try (RawH2Client client = connect()) {
      Http2Headers evil =
          new io.netty.handler.codec.http2.DefaultHttp2Headers(false)
              .method("GET").scheme("http").authority("proxy.test").path("/evil")
              .add("x-evil", "a\r\nInjected: yes");
      client.run(
          (ctx, writer) -> {
            writer.writeHeaders(ctx, 1, evil, 0, true, ctx.newPromise());
            writer.writeHeaders(ctx, 3, RawH2Client.get("/after-evil"), 0, true, ctx.newPromise());
          });

      await().atMost(WAIT).until(() -> status(client, 3) != null);
      assertThat(client.frames("RST_STREAM")).extracting(RawH2Client.Frame::streamId).contains(1);
      assertThat(status(client, 1)).isNull();
      assertThat(app.seen).noneMatch(s -> s.path().equals("/evil") || s.header("injected") != null);
    }
  }

  @Test
  void theProxyNeverSendsBeyondTheClientsWindow() throws Exception {
    try (RawH2Client client = connect()) {
      client.run((ctx, writer) -> writer.writeHeaders(ctx, 1, RawH2Client.get("/bytes/5000000"), 0, true, ctx.newPromise()));

      // The client's windows (65,535 bytes each) are all the proxy may send, and it stays there.
      await()
          .atMost(WAIT)
          .during(Duration.ofMillis(500))
          .until(() -> dataBytes(client, 1) == 65_535);

      client.run(
          (ctx, writer) -> {
            writer.writeWindowUpdate(ctx, 0, 10_000_000, ctx.newPromise());
            writer.writeWindowUpdate(ctx, 1, 10_000_000, ctx.newPromise());
          });
      await().atMost(WAIT).until(() -> dataBytes(client, 1) == 5_000_000);
      assertThat(client.frames("DATA").stream().anyMatch(RawH2Client.Frame::endStream)).isTrue();
    }
  }

  @Test
  void anUploadToAnUpstreamThatReadsNothingStopsWhereTheProxyStopsGivingWindowBack() throws Exception {
    try (RawH2Client client = connect()) {
      Http2Headers post = RawH2Client.get("/hole/upload").method("POST");
      client.run((ctx, writer) -> writer.writeHeaders(ctx, 1, post, 0, false, ctx.newPromise()));

      // A client that honors flow control sends what both windows allow. The upstream accepts the
      // connection and reads nothing: once its socket and the proxy's buffer for it are full, the
      // stream pauses and the proxy gives no more window back, so the upload stops.
      long cap = 64L << 20;
      long sent = 0;
      long lastGranted = -1;
      long quietSince = System.nanoTime();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (sent < cap && System.nanoTime() < deadline) {
        long granted = Math.min(65_536 + increments(client, 1), 65_535 + increments(client, 0));
        if (granted != lastGranted) {
          lastGranted = granted;
          quietSince = System.nanoTime();
        } else if (System.nanoTime() - quietSince > Duration.ofSeconds(1).toNanos()) {
          break;
        }
        long allowed = Math.min(granted, cap) - sent;
        if (allowed > 0) {
          client.run((ctx, writer) -> {
            for (long left = allowed; left > 0; left -= 16_384) {
              int n = (int) Math.min(16_384, left);
              writer.writeData(ctx, 1, Unpooled.wrappedBuffer(new byte[n]), 0, false, ctx.newPromise());
            }
          });
          sent += allowed;
        }
        Thread.sleep(20);
      }

      assertThat(sent).as("the proxy passed on what the upstream took").isGreaterThan(65_536);
      assertThat(sent).as("and then held the client back").isLessThan(32L << 20);
      assertThat(System.nanoTime() - quietSince).isGreaterThan(Duration.ofSeconds(1).toNanos());
      assertThat(client.isOpen()).isTrue();
      assertThat(client.frames("RST_STREAM")).isEmpty();
    }
    await().atMost(WAIT).until(() -> proxy.clusters().get("blackhole").activeRequests() == 0);
  }

  private static long increments(RawH2Client client, int streamId) {
    return client.frames("WINDOW_UPDATE").stream()
        .filter(f -> f.streamId() == streamId)
        .mapToLong(RawH2Client.Frame::code)
        .sum();
  }

  @Test
  void aDrainSendsGoAwayAndClosesTheConnection() throws Exception {
    ProxyServer draining = H2Configs.newProxy();
    try {
      draining.apply(config());
      int drainPort = draining.listenerAddress("h2").orElseThrow().getPort();
      try (RawH2Client client = new RawH2Client(drainPort, new Http2Settings())) {
        client.run((ctx, writer) -> writer.writeHeaders(ctx, 1, RawH2Client.get("/direct"), 0, true, ctx.newPromise()));
        await().atMost(WAIT).until(() -> status(client, 1) != null);

        CompletableFuture<Integer> left = CompletableFuture.supplyAsync(() -> draining.drain(Duration.ofSeconds(5)));
        await().atMost(WAIT).until(() -> !client.isOpen());
        assertThat(client.frames("GOAWAY"))
            .extracting(RawH2Client.Frame::code)
            .containsExactly(Http2Error.NO_ERROR.code());
        assertThat(left.get()).isZero();
      }
    } finally {
      draining.close();
    }
  }

  @Test
  void streamsInFlightWhenADrainStartsStillComplete() throws Exception {
    ProxyServer draining = H2Configs.newProxy();
    try {
      draining.apply(config());
      int drainPort = draining.listenerAddress("h2").orElseThrow().getPort();
      try (RawH2Client client = new RawH2Client(drainPort, new Http2Settings())) {
        Http2Headers post = RawH2Client.get("/upload").method("POST");
        client.run((ctx, writer) -> {
          for (int id = 1; id <= 5; id += 2) {
            writer.writeHeaders(ctx, id, post, 0, false, ctx.newPromise()); // bodies still to come
          }
        });
        await().atMost(WAIT).until(() -> draining.clusters().get("app").activeRequests() == 3);

        CompletableFuture<Integer> left = CompletableFuture.supplyAsync(() -> draining.drain(Duration.ofSeconds(5)));
        await().atMost(WAIT).until(() -> !client.frames("GOAWAY").isEmpty());
        assertThat(client.frames("GOAWAY").get(0).code()).isEqualTo(Http2Error.NO_ERROR.code());

        client.run((ctx, writer) -> {
          for (int id = 1; id <= 5; id += 2) {
            writer.writeData(ctx, id, Unpooled.wrappedBuffer(new byte[] {'x'}), 0, true, ctx.newPromise());
          }
        });
        await().atMost(WAIT).until(() -> !client.isOpen());
        for (int id = 1; id <= 5; id += 2) {
          assertThat(status(client, id)).as("stream %d", id).isEqualTo("200");
        }
        assertThat(client.frames("DATA").stream().filter(RawH2Client.Frame::endStream).count()).isEqualTo(3);
        assertThat(client.frames("RST_STREAM")).isEmpty();
        assertThat(left.get()).isZero();
      }
    } finally {
      draining.close();
    }
  }

  private static String status(RawH2Client client, int streamId) {
    return client.frames("HEADERS").stream()
        .filter(f -> f.streamId() == streamId)
        .map(f -> f.headers().get(":status"))
        .findFirst()
        .orElse(null);
  }

  private static long dataBytes(RawH2Client client, int streamId) {
    return client.frames("DATA").stream().filter(f -> f.streamId() == streamId).mapToLong(RawH2Client.Frame::code).sum();
  }
}
