package dev.bowline.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bowline.proxy.config.ClusterConfig;
import dev.bowline.proxy.config.HttpConnectionManagerConfig;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * WebSocket through the proxy: the JDK's WebSocket client, the proxy, and an echo server built
 * with Netty's WebSocketServerProtocolHandler. The listener runs short slow-client timers and the
 * route a short timeout, none of which may cut an open tunnel.
 */
class WebSocketProxyTest {

  private EventLoopGroup group;
  private java.net.ServerSocket raw;
  private Channel server;
  private final AtomicInteger serverOpen = new AtomicInteger();
  private ProxyServer proxy;
  private int port;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() throws Exception {
    group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new OpenCounter())
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(1 << 16))
                        .addLast(
                            new WebSocketServerProtocolHandler(
                                WebSocketServerProtocolConfig.newBuilder()
                                    .websocketPath("/ws")
                                    .maxFramePayloadLength(4 << 20)
                                    .build()))
                        .addLast(new WebSocketFrameAggregator(4 << 20))
                        .addLast(new Echo())
                        .addLast(new Plain());
                  }
                })
            .bind(new InetSocketAddress("127.0.0.1", 0))
            .sync()
            .channel();
    int appPort = ((InetSocketAddress) server.localAddress()).getPort();
    raw = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    HttpConnectionManagerConfig base =
        TestConfigs.http(
            TestConfigs.routes(
                "virtual_hosts: [{name: all, domains: ['*'], routes: ["
                    + "{match: {prefix: '/h2'}, route: {cluster: h2app}},"
                    + "{match: {prefix: '/raw'}, route: {cluster: raw}},"
                    + "{match: {prefix: '/'}, route: {cluster: app, timeout: 0.5s}}]}]"));
    HttpConnectionManagerConfig http =
        new HttpConnectionManagerConfig(
            base.statPrefix(), base.codec(), base.routeConfig(), base.httpFilters(),
            base.maxRequestHeadersKb(), base.maxHeadersCount(),
            Duration.ofMillis(400), base.streamIdleTimeout(), Duration.ofMillis(600), base.drainTimeout(),
            base.useRemoteAddress(), base.xffNumTrustedHops(), base.generateRequestId(), base.normalizePath(),
            base.mergeSlashes(), base.escapedSlashesAction(), base.http2(), base.accessLogs());
    ClusterConfig app = TestConfigs.cluster("app", appPort);
    ClusterConfig h2 =
        new ClusterConfig(
            "h2app", app.discovery(), app.endpoints(), app.lbPolicy(), app.lbConfig(),
            app.connectTimeout(), ClusterConfig.UpstreamProtocol.HTTP2, Optional.empty(),
            app.limits(), app.idleTimeout(), app.maxRequestsPerConnection());
    proxy = new ProxyServer(1, BuiltinLoadBalancers.newRegistry(), f -> null, new MetricRegistry());
    proxy.apply(new dev.bowline.proxy.config.ProxyConfig(
        Optional.empty(), java.util.List.of(TestConfigs.listener("ingress", http)), java.util.List.of(app, h2, TestConfigs.cluster("raw", raw.getLocalPort()))));
    port = proxy.listenerAddress("ingress").orElseThrow().getPort();
  }

  @AfterEach
  void stop() throws Exception {
    proxy.close();
    server.close().sync();
    raw.close();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  @Test
  void textBinaryLargeAndPingEchoWhilePlainRequestsStillWork() throws Exception {
    assertThat(get("/plain").body()).isEqualTo("plain /plain");
    Client client = new Client();
    WebSocket ws = connect(client);

    ws.sendText("hello", true).join();
    assertThat(client.texts.poll(10, TimeUnit.SECONDS)).isEqualTo("hello");

    byte[] bin = {0, 1, 2, (byte) 0xff, 13, 10};
    ws.sendBinary(ByteBuffer.wrap(bin), true).join();
    assertThat(client.binaries.poll(10, TimeUnit.SECONDS)).isEqualTo(bin);

    byte[] big = new byte[1 << 20];
    new Random(7).nextBytes(big);
    ws.sendBinary(ByteBuffer.wrap(big), true).join();
    assertThat(client.binaries.poll(20, TimeUnit.SECONDS)).isEqualTo(big);

    String bigText = "x".repeat(1 << 20);
    ws.sendText(bigText, true).join();
    assertThat(client.texts.poll(20, TimeUnit.SECONDS)).isEqualTo(bigText);

    ws.sendPing(ByteBuffer.wrap("p1".getBytes(StandardCharsets.UTF_8))).join();
    assertThat(client.pongs.poll(10, TimeUnit.SECONDS)).isEqualTo("p1");

    // Longer than the idle (600 ms), headers (400 ms) and route (500 ms) timeouts: still open.
    await().during(Duration.ofMillis(1200)).atMost(Duration.ofSeconds(5)).until(() -> client.closed.get() == null);
    ws.sendText("still here", true).join();
    assertThat(client.texts.poll(10, TimeUnit.SECONDS)).isEqualTo("still here");

    // Client-initiated close: the server answers, and both connections close.
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    await().atMost(Duration.ofSeconds(10)).until(() -> client.closed.get() != null);
    assertThat(client.closed.get()).startsWith("1000");
    await().atMost(Duration.ofSeconds(10)).until(() -> serverOpen.get() == 0);

    assertThat(get("/plain").body()).isEqualTo("plain /plain");
  }

  @Test
  void bytesTheUpstreamSendsRightAfterThe101AreRelayed() throws Exception {
    // With Sec-WebSocket-Accept Netty's decoder switches to passing bytes; without it, it takes
    // what follows for a body (pre-RFC 6455 handshake) and the tunnel unwraps it.
    relaysBytesRightAfterThe101(true);
    relaysBytesRightAfterThe101(false);
  }

  private void relaysBytesRightAfterThe101(boolean withAccept) throws Exception {
    Thread upstream =
        new Thread(
            () -> {
              try (Socket s = raw.accept()) {
                InputStream in = s.getInputStream();
                readHead(in);
                // The 101 and the first tunnel bytes in one write: the proxy's decoder sees both.
                s.getOutputStream().write(
                    ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + (withAccept ? "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n" : "")
                            + "\r\nearly")
                        .getBytes(StandardCharsets.US_ASCII));
                byte[] back = in.readNBytes(5);
                s.getOutputStream().write(back);
                s.getOutputStream().flush();
              } catch (Exception e) {
                // the test's assertions report it
              }
            });
    upstream.start();
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(
          "GET /raw HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      String head = readHead(in);
      assertThat(head).startsWith("HTTP/1.1 101").containsIgnoringCase("upgrade: websocket");
      assertThat(new String(in.readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("early");
      s.getOutputStream().write("howdy".getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(in.readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("howdy");
      // The upstream closed after echoing: the proxy closes the client side too.
      assertThat(in.read()).isEqualTo(-1);
    }
    upstream.join(10_000);
  }

  private static String readHead(InputStream in) throws Exception {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.US_ASCII);
  }

  @Test
  void aServerInitiatedCloseReachesTheClient() throws Exception {
    Client client = new Client();
    WebSocket ws = connect(client);
    ws.sendText("close-me", true).join();
    await().atMost(Duration.ofSeconds(10)).until(() -> client.closed.get() != null);
    assertThat(client.closed.get()).isEqualTo("1000 bye");
    await().atMost(Duration.ofSeconds(10)).until(() -> serverOpen.get() == 0);
  }

  @Test
  void anUpgradeAnsweredWithoutA101IsAnOrdinaryResponse() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      String upgrade =
          "GET /refuse HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
      s.getOutputStream().write(upgrade.getBytes(StandardCharsets.US_ASCII));
      String first = readResponse(s.getInputStream());
      assertThat(first).startsWith("HTTP/1.1 403").endsWith("refused");
      assertThat(first.toLowerCase()).doesNotContain("upgrade:");
      // The connection is still plain HTTP/1.1.
      s.getOutputStream().write("GET /plain HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 200").endsWith("plain /plain");
    }
  }

  @Test
  void anUpgradeToAnHttp2ClusterGets503() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      String upgrade =
          "GET /h2/ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
      s.getOutputStream().write(upgrade.getBytes(StandardCharsets.US_ASCII));
      assertThat(readResponse(s.getInputStream()))
          .startsWith("HTTP/1.1 503")
          .endsWith("websocket upgrade requires an HTTP/1.1 upstream cluster");
    }
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private WebSocket connect(Client client) {
    return http.newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), client)
        .orTimeout(10, TimeUnit.SECONDS)
        .join();
  }

  /** Reads one response with a Content-Length body. */
  private static String readResponse(InputStream in) throws Exception {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
    }
    String h = head.toString(StandardCharsets.US_ASCII);
    int length = 0;
    for (String line : h.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        length = Integer.parseInt(line.substring("content-length:".length()).trim());
      }
    }
    return h + new String(in.readNBytes(length), StandardCharsets.UTF_8);
  }

  /** Collects whole messages. */
  private static final class Client implements WebSocket.Listener {
    final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> binaries = new LinkedBlockingQueue<>();
    final BlockingQueue<String> pongs = new LinkedBlockingQueue<>();
    final AtomicReference<String> closed = new AtomicReference<>();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        texts.add(text.toString());
        text.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      byte[] b = new byte[data.remaining()];
      data.get(b);
      binary.writeBytes(b);
      if (last) {
        binaries.add(binary.toByteArray());
        binary.reset();
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
      pongs.add(StandardCharsets.UTF_8.decode(message).toString());
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
      closed.set(status + " " + reason);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed.compareAndSet(null, "error " + error);
    }
  }

  private final class OpenCounter extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      serverOpen.incrementAndGet();
      ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      serverOpen.decrementAndGet();
      ctx.fireChannelInactive();
    }
  }

  /** Echoes text and binary messages; "close-me" makes the server close. */
  private static final class Echo extends SimpleChannelInboundHandler<WebSocketFrame> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
      if (frame instanceof TextWebSocketFrame t) {
        if ("close-me".equals(t.text())) {
          ctx.writeAndFlush(new CloseWebSocketFrame(1000, "bye"));
        } else {
          ctx.writeAndFlush(new TextWebSocketFrame(t.text()));
        }
      } else if (frame instanceof BinaryWebSocketFrame b) {
        ctx.writeAndFlush(new BinaryWebSocketFrame(b.content().retain()));
      }
    }
  }

  /** Plain HTTP: 403 on /refuse (even when asked to upgrade), else 200 with the path. */
  private static final class Plain extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      boolean refuse = req.uri().startsWith("/refuse");
      byte[] body = (refuse ? "refused" : "plain " + req.uri()).getBytes(StandardCharsets.UTF_8);
      FullHttpResponse res =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              refuse ? HttpResponseStatus.FORBIDDEN : HttpResponseStatus.OK,
              Unpooled.wrappedBuffer(body));
      res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
      ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }
  }
}
