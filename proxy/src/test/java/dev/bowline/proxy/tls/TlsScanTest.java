package dev.bowline.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.config.CertificateFiles;
import dev.bowline.proxy.config.FilterChainConfig;
import dev.bowline.proxy.config.ListenerConfig;
import dev.bowline.proxy.config.TcpProxyConfig;
import dev.bowline.proxy.config.TlsServerConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scan of a TLS listener (RSA and ECDSA certificates, so every key exchange can be tried): every
 * protocol version and cipher suite that the JDK's client and {@code openssl s_client} can offer,
 * one real handshake each. Only TLS 1.2 and 1.3 with the AEAD, forward-secret suites of {@link
 * TlsPolicy} may complete, and each of those must.
 */
class TlsScanTest {

  private static final TcpProxyConfig FILTER =
      new TcpProxyConfig("t", List.of(new TcpProxyConfig.WeightedCluster("c", 1)), Duration.ZERO);

  /** The policy's TLS 1.2 suites as OpenSSL names them. */
  private static final Set<String> OPENSSL_TLS12 =
      Set.of(
          "ECDHE-ECDSA-AES128-GCM-SHA256",
          "ECDHE-RSA-AES128-GCM-SHA256",
          "ECDHE-ECDSA-CHACHA20-POLY1305",
          "ECDHE-RSA-CHACHA20-POLY1305",
          "ECDHE-ECDSA-AES256-GCM-SHA384",
          "ECDHE-RSA-AES256-GCM-SHA384");

  private static final Pattern CIPHER = Pattern.compile("Cipher is (\\S+)");

  @TempDir static Path dir;
  private static EventLoopGroup group;
  private static LineServer server;

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = TestPki.create(dir);
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    TlsServerConfig tls =
        new TlsServerConfig(
            List.of(
                new CertificateFiles(pki.apiCert, pki.apiKey),
                new CertificateFiles(pki.otherCert, pki.otherKeySec1)),
            Optional.empty(),
            false,
            List.of(),
            null,
            null);
    ListenerConfig listener =
        new ListenerConfig(
            "scan",
            new InetSocketAddress("127.0.0.1", 0),
            List.of(new FilterChainConfig(List.of(), List.of(), Optional.of(tls), FILTER)),
            0,
            1 << 20);
    server = new LineServer(group, ListenerTls.build(listener, "listeners[0]"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
  }

  @Test
  void theJdkClientCompletesOnlyThePolicysVersionsAndSuites() throws Exception {
    SSLEngine probe = SSLContext.getDefault().createSSLEngine();
    List<String> protocols = Arrays.asList(probe.getSupportedProtocols());
    List<String> suites = Arrays.asList(probe.getSupportedCipherSuites());
    Set<String> completed = new TreeSet<>();
    for (String protocol : protocols) {
      if (protocol.equals("SSLv2Hello")) {
        continue;
      }
      for (String suite : suites) {
        if (suite.startsWith("TLS_EMPTY_RENEGOTIATION_INFO")) {
          continue;
        }
        jdkHandshake(protocol, suite).ifPresent(completed::add);
      }
    }
    List<String> expected = new ArrayList<>();
    TlsPolicy.TLS_1_3_CIPHER_SUITES.forEach(s -> expected.add("TLSv1.3 " + s));
    TlsPolicy.TLS_1_2_CIPHER_SUITES.forEach(s -> expected.add("TLSv1.2 " + s));
    assertThat(completed).containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void opensslCompletesOnlyThePolicysVersionsAndSuites() {
    Set<String> completed = new TreeSet<>();
    for (String cipher : opensslCiphers("-tls1_2")) {
      openssl("-tls1_2", "-cipher", cipher + ":@SECLEVEL=0").ifPresent(completed::add);
    }
    for (String suite :
        List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_AES_128_CCM_SHA256",
            "TLS_AES_128_CCM_8_SHA256")) {
      openssl("-tls1_3", "-ciphersuites", suite).ifPresent(completed::add);
    }
    for (String old : List.of("-tls1", "-tls1_1")) {
      openssl(old, "-cipher", "ALL:@SECLEVEL=0").ifPresent(completed::add);
    }
    List<String> expected = new ArrayList<>();
    OPENSSL_TLS12.forEach(c -> expected.add("TLSv1.2 " + c));
    TlsPolicy.TLS_1_3_CIPHER_SUITES.forEach(s -> expected.add("TLSv1.3 " + s));
    assertThat(completed).containsExactlyInAnyOrderElementsOf(expected);
  }

  /** "protocol suite" when a JDK client offering only these completes a handshake. */
  private static Optional<String> jdkHandshake(String protocol, String suite) throws Exception {
    SslContext context;
    try {
      context =
          SslContextBuilder.forClient()
              .sslProvider(SslProvider.JDK)
              .protocols(protocol)
              .ciphers(List.of(suite))
              .trustManager(InsecureTrustManagerFactory.INSTANCE)
              .build();
    } catch (Exception e) {
      return Optional.empty(); // the JDK will not offer this combination at all
    }
    try (LineClient client =
        new LineClient(group, server.port(), ch -> context.newHandler(ch.alloc()))) {
      if (client.handshakeFailure() != null) {
        return Optional.empty();
      }
      assertThat(client.request("scan")).isPresent();
      var session = client.session();
      return Optional.of(session.getProtocol() + " " + session.getCipherSuite());
    }
  }

  private static List<String> opensslCiphers(String version) {
    String list = OpenSsl.ok(dir, "ciphers", "-s", version, "ALL:@SECLEVEL=0").strip();
    return Arrays.asList(list.split(":"));
  }

  /** "protocol cipher" when {@code openssl s_client} with these options completes a handshake. */
  private static Optional<String> openssl(String... options) {
    List<String> args =
        new ArrayList<>(List.of("s_client", "-connect", "127.0.0.1:" + server.port()));
    args.addAll(List.of(options));
    String output = OpenSsl.run(dir, Duration.ofSeconds(10), args.toArray(new String[0])).output();
    Matcher cipher = CIPHER.matcher(output);
    if (!cipher.find() || cipher.group(1).equals("(NONE)")) {
      return Optional.empty();
    }
    Matcher protocol = Pattern.compile("New, (\\S+), Cipher is").matcher(output);
    String version = protocol.find() ? protocol.group(1).replace(",", "") : "?";
    return Optional.of(version + " " + cipher.group(1));
  }

}
