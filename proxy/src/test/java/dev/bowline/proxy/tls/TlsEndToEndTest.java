package dev.bowline.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bowline.proxy.config.CertificateFiles;
import dev.bowline.proxy.config.FilterChainConfig;
import dev.bowline.proxy.config.ListenerConfig;
import dev.bowline.proxy.config.TcpProxyConfig;
import dev.bowline.proxy.config.TlsClientConfig;
import dev.bowline.proxy.config.TlsServerConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS termination and origination over real sockets: a Netty server on 127.0.0.1 built from {@link
 * ListenerTls}, probed with {@code openssl s_client} and with a Netty client built from {@link
 * ClientTlsContexts}. The server answers every connection with one line naming the chain, the ALPN
 * protocol, the SNI and the client certificate's SAN, then closes.
 */
class TlsEndToEndTest {

  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);
  private static final List<String> H2_AND_HTTP1 = List.of("h2", "http/1.1");
  private static final TcpProxyConfig FILTER =
      new TcpProxyConfig(
          "test", List.of(new TcpProxyConfig.WeightedCluster("c", 1)), Duration.ZERO);

  @TempDir static Path dir;
  private static TestPki pki;
  private static EventLoopGroup group;
  private static Channel byName;
  private static Channel withDefault;
  private static final Queue<String> events = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void start() throws Exception {
    pki = TestPki.create(dir);
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    // Listener 1: chains by SNI only, no default chain.
    ListenerConfig sniOnly =
        listener(
            chain(
                List.of("api.example.com", "localhost"),
                tls(pki.apiCert, pki.apiKey, H2_AND_HTTP1)),
            chain(List.of("*.example.com"), tls(pki.otherCert, pki.otherKeySec1, H2_AND_HTTP1)),
            chain(
                List.of("mtls.example.com"),
                Optional.of(
                    new TlsServerConfig(
                        List.of(new CertificateFiles(pki.apiCert, pki.apiKeyPkcs1)),
                        Optional.of(pki.caCert),
                        true,
                        List.of("http/1.1"),
                        "",
                        ""))),
            chain(List.of("passthrough.example.com"), Optional.empty()),
            chain(
                List.of("tls13.example.com"),
                Optional.of(
                    new TlsServerConfig(
                        List.of(new CertificateFiles(pki.apiCert, pki.apiKey)),
                        Optional.empty(),
                        false,
                        List.of(),
                        "TLSv1_3",
                        "TLSv1_3"))));
    byName = serve(ListenerTls.build(sniOnly, "static_resources.listeners[0]"));

    // Listener 2: one default chain, no ALPN.
    ListenerConfig defaultOnly =
        listener(chain(List.of(), tls(pki.apiCert, pki.apiKey, List.of())));
    withDefault = serve(ListenerTls.build(defaultOnly, "static_resources.listeners[1]"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (byName != null) {
      byName.close().sync();
    }
    if (withDefault != null) {
      withDefault.close().sync();
    }
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
    }
  }

  // ---- openssl s_client against the server -------------------------------------------------

  @Test
  void servesTheCertificateOfTheChainNamedBySni() {
    String api = sClient(byName, "-servername", "api.example.com", "-alpn", "h2,http/1.1");
    assertThat(api).contains("subject=CN = api.example.com", "Verify return code: 0 (ok)");
    assertThat(api).contains("chain=0 alpn=h2 sni=api.example.com peer=none");

    String other = sClient(byName, "-servername", "other.example.com", "-alpn", "h2,http/1.1");
    assertThat(other).contains("subject=CN = other.example.com", "Verify return code: 0 (ok)");
    assertThat(other).contains("chain=1 alpn=h2 sni=other.example.com");
  }

  @Test
  void wildcardServerNamesCoverDeeperNamesAndExactNamesWin() {
    assertThat(sClient(byName, "-servername", "a.b.example.com"))
        .contains("subject=CN = other.example.com", "chain=1 alpn=none sni=a.b.example.com");
    assertThat(sClient(byName, "-servername", "LOCALHOST"))
        .contains("subject=CN = api.example.com", "chain=0 alpn=none sni=localhost");
  }

  @Test
  void negotiatesAlpnInServerPreferenceOrder() {
    assertThat(sClient(byName, "-servername", "api.example.com", "-alpn", "http/1.1,h2"))
        .contains("ALPN protocol: h2", "chain=0 alpn=h2");
    assertThat(sClient(byName, "-servername", "api.example.com", "-alpn", "http/1.1"))
        .contains("ALPN protocol: http/1.1", "chain=0 alpn=http/1.1");
    assertThat(sClient(byName, "-servername", "api.example.com", "-alpn", "spdy/3"))
        .contains("No ALPN negotiated", "chain=0 alpn=none");
  }

  @Test
  void speaksTls13AndTls12WithAeadSuites() {
    String v13 = sClient(byName, "-servername", "api.example.com", "-tls1_3");
    assertThat(v13).contains("Protocol  : TLSv1.3", "chain=0");
    assertThat(v13).containsPattern("Cipher is TLS_(AES_128_GCM|AES_256_GCM|CHACHA20_POLY1305)");

    String v12 = sClient(byName, "-servername", "api.example.com", "-tls1_2");
    assertThat(v12).contains("Protocol  : TLSv1.2", "chain=0");
    assertThat(v12)
        .containsPattern(
            "Cipher is ECDHE-RSA-(AES128-GCM-SHA256|AES256-GCM-SHA384" + "|CHACHA20-POLY1305)");

    String ecdsa = sClient(byName, "-servername", "other.example.com", "-tls1_2");
    assertThat(ecdsa).containsPattern("Cipher is ECDHE-ECDSA-(AES128-GCM|AES256-GCM|CHACHA20)");
  }

  @Test
  void refusesTls11() {
    String out =
        sClient(
            byName, "-servername", "api.example.com", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
    assertThat(out)
        .as("openssl must really offer TLS 1.1")
        .doesNotContain("no protocols available");
    assertThat(out).doesNotContain("chain=").contains("Cipher is (NONE)");
    assertThat(out).contains("alert protocol version");
  }

  @Test
  void refusesSuitesWithoutAead() {
    for (String cipher : List.of("AES128-SHA", "ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES128-SHA256")) {
      String out = sClient(byName, "-servername", "api.example.com", "-tls1_2", "-cipher", cipher);
      assertThat(out).as(cipher).doesNotContain("chain=").contains("handshake failure");
    }
  }

  @Test
  void honoursTheConfiguredMinimumVersion() {
    assertThat(sClient(byName, "-servername", "tls13.example.com", "-tls1_3"))
        .contains("chain=4", "Protocol  : TLSv1.3");
    assertThat(sClient(byName, "-servername", "tls13.example.com", "-tls1_2"))
        .doesNotContain("chain=");
  }

  @Test
  void mutualTlsRequiresAClientCertificateFromTheTrustedCa() {
    for (String version : List.of("-tls1_2", "-tls1_3")) {
      events.clear();
      String without = sClient(byName, "-servername", "mtls.example.com", version);
      assertThat(without).as(version).doesNotContain("chain=");
      await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("handshake-failed:2"));

      String with =
          sClient(
              byName,
              "-servername",
              "mtls.example.com",
              version,
              "-cert",
              pki.clientCert.toString(),
              "-key",
              pki.clientKey.toString());
      assertThat(with)
          .as(version)
          .contains("chain=2 alpn=none sni=mtls.example.com peer=URI:" + TestPki.CLIENT_SPIFFE_ID);
    }
    // A certificate from another CA is refused too.
    String rogue =
        sClient(
            byName,
            "-servername",
            "mtls.example.com",
            "-tls1_2",
            "-cert",
            pki.rogueCaCert.toString(),
            "-key",
            pki.rogueCaKey.toString());
    assertThat(rogue).contains("subject=CN = api.example.com").doesNotContain("chain=");
  }

  @Test
  void closesConnectionsThatMatchNoChain() {
    events.clear();
    assertThat(sClient(byName, "-servername", "unknown.test"))
        .doesNotContain("chain=")
        .doesNotContain("subject=");
    await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("no-match:unknown.test"));

    assertThat(sClient(byName, "-noservername")).doesNotContain("chain=");
    await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("no-match:none"));
  }

  @Test
  void aChainWithoutServerNamesIsTheDefault() {
    assertThat(sClient(withDefault, "-noservername", "-alpn", "h2"))
        .contains(
            "subject=CN = api.example.com", "No ALPN negotiated", "chain=0 alpn=none sni=none");
    assertThat(sClient(withDefault, "-servername", "anything.test"))
        .contains("chain=0 alpn=none sni=anything.test");
  }

  @Test
  void passesTlsThroughToAPlaintextChainSelectedBySni() throws Exception {
    byte[] hello = ClientHellos.record("passthrough.example.com", H2_AND_HTTP1);
    try (Socket socket = new Socket()) {
      socket.connect(byName.localAddress(), 5_000);
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(hello);
      out.flush();
      InputStream in = socket.getInputStream();
      String reply = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(reply)
          .isEqualTo(
              "raw chain=3 sni=passthrough.example.com first-byte=22 bytes=" + hello.length + "\n");
    }
  }

  @Test
  void readsAClientHelloThatArrivesInPieces() throws Exception {
    byte[] hello = ClientHellos.record("passthrough.example.com", List.of());
    try (Socket socket = new Socket()) {
      socket.setTcpNoDelay(true);
      socket.connect(byName.localAddress(), 5_000);
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      int[] cuts = {1, 5, 9, 40, hello.length};
      int from = 0;
      for (int cut : cuts) {
        out.write(hello, from, cut - from);
        out.flush();
        from = cut;
      }
      String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat(reply).startsWith("raw chain=3 sni=passthrough.example.com first-byte=22");
    }
  }

  @Test
  void servesTheRsaOrTheEcdsaCertificateByWhatTheClientSupports() throws Exception {
    ListenerConfig dual =
        listener(
            chain(
                List.of(),
                Optional.of(
                    new TlsServerConfig(
                        List.of(
                            new CertificateFiles(pki.apiCert, pki.apiKey),
                            new CertificateFiles(pki.otherCert, pki.otherKeySec1)),
                        Optional.empty(),
                        false,
                        List.of(),
                        null,
                        null))));
    Channel server = serve(ListenerTls.build(dual, "static_resources.listeners[3]"));
    try {
      assertThat(sClient(server, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"))
          .contains("subject=CN = other.example.com", "chain=0");
      assertThat(sClient(server, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256"))
          .contains("subject=CN = api.example.com", "chain=0");
      assertThat(sClient(server, "-tls1_3", "-sigalgs", "rsa_pss_rsae_sha256"))
          .contains("subject=CN = api.example.com", "chain=0");
    } finally {
      server.close().sync();
    }
  }

  @Test
  void closesConnectionsThatSendNoClientHelloInTime() throws Exception {
    ListenerConfig slow = listener(chain(List.of(), tls(pki.apiCert, pki.apiKey, List.of())));
    Channel server =
        serve(ListenerTls.build(slow, "static_resources.listeners[2]", Duration.ofMillis(200)));
    try (Socket socket = new Socket()) {
      socket.connect(server.localAddress(), 5_000);
      socket.setSoTimeout(5_000);
      long start = System.nanoTime();
      assertThat(socket.getInputStream().read()).isEqualTo(-1);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    } finally {
      server.close().sync();
    }
  }

  @Test
  void closesPlaintextSentToATlsChain() throws Exception {
    events.clear();
    try (Socket socket = new Socket()) {
      socket.connect(withDefault.localAddress(), 5_000);
      socket.setSoTimeout(5_000);
      socket
          .getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(socket.getInputStream().readAllBytes()).isEmpty();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("handshake-failed:0"));
  }

  // ---- Netty client built by ClientTlsContexts ---------------------------------------------

  @Test
  void clientVerifiesTheServerAgainstTheCaAndTheSubjectAltNames() throws Exception {
    ClientTlsContext tls =
        ClientTlsContexts.build(
            new TlsClientConfig(
                Optional.of("api.example.com"),
                Optional.of(pki.caCert),
                List.of("spiffe://elsewhere", "api.example.com"),
                Optional.empty(),
                H2_AND_HTTP1),
            "static_resources.clusters[0].transport_socket.typed_config");
    ClientRun run = connect(tls, byName);
    assertThat(run.failure()).isNull();
    assertThat(run.alpn()).isEqualTo("h2");
    assertThat(run.received()).isEqualTo("chain=0 alpn=h2 sni=api.example.com peer=none\n");
  }

  @Test
  void clientSendsTheConfiguredSniAndAcceptsAnySanWhenNoneIsConfigured() throws Exception {
    ClientTlsContext tls =
        ClientTlsContexts.build(
            new TlsClientConfig(
                Optional.of("other.example.com"),
                Optional.of(pki.caCert),
                List.of(),
                Optional.empty(),
                List.of("http/1.1")),
            "c");
    ClientRun run = connect(tls, byName);
    assertThat(run.failure()).isNull();
    assertThat(run.received()).isEqualTo("chain=1 alpn=http/1.1 sni=other.example.com peer=none\n");
  }

  @Test
  void clientSendsNoSniWhenNoneIsConfigured() throws Exception {
    ClientTlsContext tls =
        ClientTlsContexts.build(
            new TlsClientConfig(
                Optional.empty(), Optional.of(pki.caCert), List.of(), Optional.empty(), List.of()),
            "c");
    events.clear();
    // The JDK would send a dotted peer host as SNI by itself; the context must suppress that.
    ClientRun run = connect(tls, byName, "api.example.com");
    assertThat(run.failure()).isNotNull();
    await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("no-match:none"));

    ClientRun fallback = connect(tls, withDefault);
    assertThat(fallback.failure()).isNull();
    assertThat(fallback.received()).isEqualTo("chain=0 alpn=none sni=none peer=none\n");
  }

  @Test
  void clientFailsWhenNoSubjectAltNameMatches() throws Exception {
    ClientTlsContext tls =
        ClientTlsContexts.build(
            new TlsClientConfig(
                Optional.of("api.example.com"),
                Optional.of(pki.caCert),
                List.of("spiffe://cluster.local/ns/default/sa/api", "other.example.com"),
                Optional.empty(),
                H2_AND_HTTP1),
            "c");
    ClientRun run = connect(tls, byName);
    assertThat(run.failure()).isNotNull();
    assertThat(causeMessages(run.failure()))
        .contains("none of which is in the configured subject_alt_names")
        .contains("DNS:api.example.com");
  }

  @Test
  void clientFailsAgainstAServerFromAnUntrustedCa() throws Exception {
    ClientTlsContext tls =
        ClientTlsContexts.build(
            new TlsClientConfig(
                Optional.of("api.example.com"),
                Optional.of(pki.rogueCaCert),
                List.of(),
                Optional.empty(),
                List.of()),
            "c");
    ClientRun run = connect(tls, byName);
    assertThat(run.failure()).isNotNull();
    assertThat(causeMessages(run.failure())).containsIgnoringCase("certification path");
  }

  @Test
  void clientPresentsItsCertificateForMutualTls() throws Exception {
    ClientTlsContext tls =
        ClientTlsContexts.build(
            new TlsClientConfig(
                Optional.of("mtls.example.com"),
                Optional.of(pki.caCert),
                List.of("api.example.com"),
                Optional.of(new CertificateFiles(pki.clientCert, pki.clientKey)),
                H2_AND_HTTP1),
            "c");
    ClientRun run = connect(tls, byName);
    assertThat(run.failure()).isNull();
    assertThat(run.alpn()).isEqualTo("http/1.1");
    assertThat(run.received())
        .isEqualTo(
            "chain=2 alpn=http/1.1 sni=mtls.example.com peer=URI:"
                + TestPki.CLIENT_SPIFFE_ID
                + "\n");
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static ListenerConfig listener(FilterChainConfig... chains) {
    return new ListenerConfig(
        "test", new InetSocketAddress("127.0.0.1", 0), List.of(chains), 0, 1 << 20);
  }

  private static FilterChainConfig chain(List<String> serverNames, Optional<TlsServerConfig> tls) {
    return new FilterChainConfig(serverNames, List.of(), tls, FILTER);
  }

  private static Optional<TlsServerConfig> tls(Path cert, Path key, List<String> alpn) {
    return Optional.of(
        new TlsServerConfig(
            List.of(new CertificateFiles(cert, key)), Optional.empty(), false, alpn, null, null));
  }

  private static Channel serve(ListenerTls tls) throws InterruptedException {
    FilterChainInitializer initializer =
        new FilterChainInitializer() {
          @Override
          public void initialize(Channel channel, FilterChainSelection selection) {
            channel
                .pipeline()
                .addLast(
                    selection.terminatesTls() ? new Greeting(selection) : new RawReport(selection));
          }

          @Override
          public void onNoFilterChainMatch(Channel channel, ClientHello hello) {
            events.add("no-match:" + hello.serverName().orElse("none"));
          }

          @Override
          public void onHandshakeFailure(Channel channel, int chainIndex, Throwable cause) {
            events.add("handshake-failed:" + chainIndex);
          }
        };
    return new ServerBootstrap()
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

  private String sClient(Channel server, String... args) {
    int port = ((InetSocketAddress) server.localAddress()).getPort();
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                "s_client",
                "-connect",
                "127.0.0.1:" + port,
                "-CAfile",
                pki.caCert.toString(),
                "-ign_eof"));
    command.addAll(List.of(args));
    return OpenSsl.run(dir, CLIENT_TIMEOUT, command.toArray(new String[0])).output();
  }

  /** Writes one line describing the connection, then closes it. */
  private static final class Greeting extends ChannelInboundHandlerAdapter {
    private final FilterChainSelection selection;

    Greeting(FilterChainSelection selection) {
      this.selection = selection;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      String line =
          "chain="
              + selection.chainIndex()
              + " alpn="
              + selection.applicationProtocol().orElse("none")
              + " sni="
              + selection.clientHello().serverName().orElse("none")
              + " peer="
              + peer(selection.tlsSession().orElseThrow())
              + "\n";
      ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(line.getBytes(StandardCharsets.US_ASCII)))
          .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }

    private static String peer(SSLSession session) {
      try {
        Certificate[] chain = session.getPeerCertificates();
        return String.join(
            ",", SubjectAltNameTrustManager.subjectAltNames((X509Certificate) chain[0]));
      } catch (SSLPeerUnverifiedException e) {
        return "none";
      } catch (Exception e) {
        return "error:" + e;
      }
    }
  }

  /** Reports the first bytes of a plaintext (passthrough) chain, then closes. */
  private static final class RawReport extends ChannelInboundHandlerAdapter {
    private final FilterChainSelection selection;

    RawReport(FilterChainSelection selection) {
      this.selection = selection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf bytes = (ByteBuf) msg;
      try {
        String line =
            "raw chain="
                + selection.chainIndex()
                + " sni="
                + selection.clientHello().serverName().orElse("none")
                + " first-byte="
                + bytes.getUnsignedByte(bytes.readerIndex())
                + " bytes="
                + bytes.readableBytes()
                + "\n";
        ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(line.getBytes(StandardCharsets.US_ASCII)))
            .addListener(ChannelFutureListener.CLOSE);
      } finally {
        bytes.release();
      }
    }
  }

  /** What a Netty client saw. */
  private record ClientRun(Throwable failure, String alpn, String received) {}

  private static ClientRun connect(ClientTlsContext tls, Channel server) throws Exception {
    return connect(tls, server, "127.0.0.1");
  }

  /**
   * Connects to {@code server} with a handler made for {@code peerHost} (which only keys the
   * session cache: the connection always goes to the server's address).
   */
  private static ClientRun connect(ClientTlsContext tls, Channel server, String peerHost)
      throws Exception {
    InetSocketAddress address = (InetSocketAddress) server.localAddress();
    StringBuffer received = new StringBuffer();
    // Kept from the initializer: a handshake that fails fast closes the channel, and a closed
    // channel's pipeline no longer holds its handlers by the time connect() returns.
    AtomicReference<SslHandler> handler = new AtomicReference<>();
    Channel channel =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    handler.set(tls.newHandler(ch.alloc(), peerHost, address.getPort()));
                    ch.pipeline()
                        .addLast(handler.get())
                        .addLast(
                            new ChannelInboundHandlerAdapter() {
                              @Override
                              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ByteBuf bytes = (ByteBuf) msg;
                                received.append(bytes.toString(StandardCharsets.US_ASCII));
                                bytes.release();
                              }

                              @Override
                              public void exceptionCaught(ChannelHandlerContext ctx, Throwable t) {
                                ctx.close();
                              }
                            });
                  }
                })
            .connect(address)
            .sync()
            .channel();
    SslHandler ssl = handler.get();
    assertThat(ssl.handshakeFuture().await(CLIENT_TIMEOUT.toMillis())).isTrue();
    assertThat(channel.closeFuture().await(CLIENT_TIMEOUT.toMillis())).isTrue();
    return new ClientRun(
        ssl.handshakeFuture().cause(), ssl.applicationProtocol(), received.toString());
  }

  private static String causeMessages(Throwable failure) {
    StringBuilder messages = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      messages.append(t).append('\n');
    }
    return messages.toString();
  }
}
