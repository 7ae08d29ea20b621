package dev.bowline.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.config.FilterChainConfig;
import dev.bowline.proxy.config.FilterChainConfig.TransportProtocol;
import dev.bowline.proxy.config.ListenerConfig;
import dev.bowline.proxy.config.TcpProxyConfig;
import dev.bowline.proxy.identity.WorkloadSecrets;
import dev.bowline.proxy.tls.HttpVersionSniffer.Verdict;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Envoy's {@code http_inspector} in Bowline: the HTTP version of a plaintext connection chooses
 * among Istio-style inbound chains ({@code raw_buffer} with {@code [http/1.1, h2c]}, {@code
 * raw_buffer} alone, {@code tls} for mutual TLS), first as a classification of bytes, then over
 * real sockets.
 */
class HttpVersionSnifferTest {

  private static final TcpProxyConfig FILTER =
      new TcpProxyConfig("t", List.of(new TcpProxyConfig.WeightedCluster("c", 1)), Duration.ZERO);

  private static EventLoopGroup group;
  private static LineServer server;
  private static TestSvids.Authority root;

  @BeforeAll
  static void start() throws Exception {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    root = TestSvids.root("Root");
    WorkloadSecrets secrets = new WorkloadSecrets();
    secrets.installCertificate(root.leaf().serviceAccount("server").build());
    secrets.installTrustBundle(List.of(root.certificate()));
    FilterChainConfig mtls = SpiffeMutualTlsTest.mutualTls(false);
    ListenerConfig listener =
        new ListenerConfig(
            "inbound",
            new InetSocketAddress("127.0.0.1", 0),
            List.of(
                new FilterChainConfig(
                    List.of(),
                    List.of("http/1.1", "h2c"),
                    Optional.empty(),
                    FILTER,
                    TransportProtocol.RAW_BUFFER),
                new FilterChainConfig(
                    List.of(), List.of(), Optional.empty(), FILTER, TransportProtocol.RAW_BUFFER),
                new FilterChainConfig(
                    List.of(), List.of(), mtls.tls(), FILTER, TransportProtocol.TLS)),
            0,
            1 << 20);
    server = new LineServer(group, ListenerTls.build(listener, "listeners[0]", Optional.of(secrets)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
  }

  private static Verdict inspect(String text) {
    ByteBuf buf = Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    try {
      Verdict verdict = HttpVersionSniffer.inspect(buf);
      assertThat(buf.readerIndex()).isZero();
      return verdict;
    } finally {
      buf.release();
    }
  }

  @Test
  void classifiesTheFirstBytes() {
    assertThat(inspect("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")).isEqualTo(Verdict.H2C);
    assertThat(inspect("PRI * HTTP/2")).isEqualTo(Verdict.MORE);
    assertThat(inspect("GET /a?b HTTP/1.1\r\nHost: x\r\n")).isEqualTo(Verdict.HTTP_1_1);
    assertThat(inspect("POST / HTTP/1.0\n")).isEqualTo(Verdict.HTTP_1_0);
    assertThat(inspect("PRI / HTTP/1.1\r\n")).isEqualTo(Verdict.HTTP_1_1);
    assertThat(inspect("GET /a")).isEqualTo(Verdict.MORE);
    assertThat(inspect("GET / HTTP/3\r\n")).isEqualTo(Verdict.NOT_HTTP);
    assertThat(inspect("hello\n")).isEqualTo(Verdict.NOT_HTTP);
    assertThat(inspect("\u0000\u0001\u0002")).isEqualTo(Verdict.NOT_HTTP);
    assertThat(inspect(" GET")).isEqualTo(Verdict.NOT_HTTP);
    assertThat(inspect("GET /" + "a".repeat(HttpVersionSniffer.MAX_INSPECTED)))
        .isEqualTo(Verdict.NOT_HTTP);
  }

  @Test
  void plaintextHttpTakesTheHttpChain() throws Exception {
    try (LineClient client = new LineClient(group, server.port(), null)) {
      assertThat(client.request("GET / HTTP/1.1")).contains("chain=0 peer=-");
    }
  }

  @Test
  void theHttp2PrefaceTakesTheHttpChain() throws Exception {
    try (LineClient client = new LineClient(group, server.port(), null)) {
      // request() ends the text with "\n", completing the 24-byte preface.
      assertThat(client.request("PRI * HTTP/2.0\r\n\r\nSM\r\n\r")).contains("chain=0 peer=-");
    }
  }

  @Test
  void aRequestLineArrivingInPiecesIsWaitedFor() throws Exception {
    try (LineClient client = new LineClient(group, server.port(), null)) {
      client.send("GET /slow");
      Thread.sleep(50); // a separate write, so the inspector sees the line incomplete first
      assertThat(client.request(" HTTP/1.1")).contains("chain=0 peer=-");
    }
  }

  @Test
  void tlsStillTakesTheTlsChain() throws Exception {
    CertifiedKey client = root.leaf().serviceAccount("client").build();
    SslContext context =
        SslContextBuilder.forClient()
            .sslProvider(SslProvider.JDK)
            .keyManager(new CertifiedKeyManager(List.of(client)))
            .trustManager(InsecureTrustManagerFactory.INSTANCE)
            .build();
    try (LineClient tls =
        new LineClient(group, server.port(), ch -> context.newHandler(ch.alloc()))) {
      assertThat(tls.request("GET / HTTP/1.1"))
          .contains("chain=2 peer=cluster.local/ns/default/sa/client");
    }
  }

  @Test
  void otherPlaintextTakesTheChainWithoutProtocols() throws Exception {
    try (LineClient client = new LineClient(group, server.port(), null)) {
      assertThat(client.request("hello there")).contains("chain=1 peer=-");
    }
  }
}
