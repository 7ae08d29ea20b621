package dev.bowline.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.config.FilterChainConfig;
import dev.bowline.proxy.config.ListenerConfig;
import dev.bowline.proxy.config.SubjectAltNameMatcher;
import dev.bowline.proxy.config.TcpProxyConfig;
import dev.bowline.proxy.config.TlsClientConfig;
import dev.bowline.proxy.config.TlsServerConfig;
import dev.bowline.proxy.config.WorkloadSecretReference;
import dev.bowline.proxy.identity.WorkloadSecrets;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Mutual TLS with the workload identity, over real sockets: a server built from {@link
 * ListenerTls} whose chain names Istio's SDS secrets {@code default} and {@code ROOTCA}, and
 * clients built from {@link ClientTlsContexts} the same way (or, to present broken certificates on
 * purpose, plain JDK clients). Certificates are made with {@link TestSvids}.
 */
class SpiffeMutualTlsTest {

  private static final TcpProxyConfig FILTER =
      new TcpProxyConfig("t", List.of(new TcpProxyConfig.WeightedCluster("c", 1)), Duration.ZERO);
  private static final String SERVER_ID = "spiffe://cluster.local/ns/default/sa/server";
  private static final WorkloadSecretReference CERTIFICATE =
      new WorkloadSecretReference("common_tls_context.tls_certificate_sds_secret_configs[0]");
  private static final WorkloadSecretReference BUNDLE =
      new WorkloadSecretReference(
          "common_tls_context.combined_validation_context.validation_context_sds_secret_config");

  private static EventLoopGroup group;
  private static TestSvids.Authority root;
  private static TestSvids.Authority intermediate;
  private static final WorkloadSecrets serverSecrets = new WorkloadSecrets();
  private static final WorkloadSecrets clientSecrets = new WorkloadSecrets();
  private static LineServer server;

  @BeforeAll
  static void start() throws Exception {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    root = TestSvids.root("Mesh Root");
    intermediate = root.intermediate("Mesh Intermediate");
    server =
        new LineServer(
            group,
            ListenerTls.build(
                listener(mutualTls(true)), "listeners[0]", Optional.of(serverSecrets)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
  }

  @BeforeEach
  void freshSecrets() {
    serverSecrets.installCertificate(root.leaf().serviceAccount("server").build());
    serverSecrets.installTrustBundle(List.of(root.certificate()));
    clientSecrets.installCertificate(root.leaf().serviceAccount("client").build());
    clientSecrets.installTrustBundle(List.of(root.certificate()));
    server.handshakeFailures.clear();
  }

  @Test
  void mutualTlsCarriesTheVerifiedPeerIdentityBothWays() throws Exception {
    try (LineClient client = istioClient(SERVER_ID)) {
      assertThat(client.handshakeFailure()).isNull();
      assertThat(client.request("hello")).contains("chain=0 peer=cluster.local/ns/default/sa/client");
      assertThat(X509SvidRules.uriSans(client.serverCertificate())).containsExactly(SERVER_ID);
    }
  }

  @Test
  void secureNamingRefusesAServerThatIsNotTheExpectedIdentity() throws Exception {
    try (LineClient client = istioClient("spiffe://cluster.local/ns/default/sa/reviews")) {
      assertThat(client.handshakeFailure())
          .isNotNull()
          .hasStackTraceContaining("none of which is in the configured subject_alt_names");
    }
  }

  @Test
  void aPrefixMatcherAcceptsAnyServerOfTheTrustDomain() throws Exception {
    ClientTlsContext context =
        ClientTlsContexts.build(
            istio(
                List.of(
                    new SubjectAltNameMatcher(
                        SubjectAltNameMatcher.Type.URI,
                        SubjectAltNameMatcher.Kind.PREFIX,
                        "spiffe://cluster.local/"))),
            "clusters[0].transport_socket.typed_config",
            Optional.of(clientSecrets));
    try (LineClient client =
        new LineClient(group, server.port(), ch -> context.newHandler(ch.alloc()))) {
      assertThat(client.request("hello")).isPresent();
    }
  }

  @Test
  void aClientWithoutACertificateIsRefusedWhenOneIsRequired() throws Exception {
    try (LineClient client = new LineClient(group, server.port(), ch -> rawClient(null, ch))) {
      assertThat(client.request("hello")).isEmpty();
    }
    await().until(() -> !server.handshakeFailures.isEmpty());
  }

  @Test
  void aValidChainThroughAnIntermediateIsAccepted() throws Exception {
    CertifiedKey viaIntermediate = intermediate.leaf().serviceAccount("client").build();
    assertThat(viaIntermediate.chain()).hasSize(2);
    try (LineClient client =
        new LineClient(group, server.port(), ch -> rawClient(viaIntermediate, ch))) {
      assertThat(client.request("hello")).contains("chain=0 peer=cluster.local/ns/default/sa/client");
    }
  }

  /** The negative corpus: each broken X.509-SVID and why it must be refused. */
  static Stream<Arguments> brokenSvids() {
    return Stream.concat(
        BrokenSvids.leaves(),
        Stream.of(
            Arguments.of("intermediate missing", null, "PKIX path"),
            Arguments.of("signed by another root", null, "PKIX path")));
  }

  private static CertifiedKey broken(String name, UnaryOperator<TestSvids.LeafBuilder> edit) {
    return switch (name) {
      case "intermediate missing" ->
          intermediate.leaf().serviceAccount("client").withoutIntermediates().build();
      case "signed by another root" ->
          TestSvids.root("Rogue Root").leaf().serviceAccount("client").build();
      default -> edit.apply(root.leaf()).build();
    };
  }

  @ParameterizedTest(name = "the server refuses a client certificate with {0}")
  @MethodSource("brokenSvids")
  void theServerRefusesABrokenClientSvid(
      String name, UnaryOperator<TestSvids.LeafBuilder> edit, String reason) throws Exception {
    CertifiedKey bad = broken(name, edit);
    try (LineClient client = new LineClient(group, server.port(), ch -> rawClient(bad, ch))) {
      assertThat(client.request("hello")).isEmpty();
    }
    await().until(() -> !server.handshakeFailures.isEmpty());
    assertThat(server.handshakeFailures.peek()).contains(reason);
  }

  @ParameterizedTest(name = "the client refuses a server certificate with {0}")
  @MethodSource("brokenSvids")
  void theClientRefusesABrokenServerSvid(
      String name, UnaryOperator<TestSvids.LeafBuilder> edit, String reason) throws Exception {
    serverSecrets.installCertificate(broken(name, edit));
    try (LineClient client = istioClient(SERVER_ID)) {
      assertThat(client.handshakeFailure()).isNotNull().hasStackTraceContaining(reason);
    }
  }

  @Test
  void aRenewedCertificateServesNewConnectionsAndOpenOnesKeepWorking() throws Exception {
    try (LineClient before = istioClient(SERVER_ID)) {
      assertThat(before.request("one")).isPresent();
      X509Certificate first = before.serverCertificate();

      CertifiedKey renewed = root.leaf().serviceAccount("server").build();
      serverSecrets.installCertificate(renewed);

      assertThat(before.request("two")).contains("chain=0 peer=cluster.local/ns/default/sa/client");
      assertThat(before.serverCertificate()).isEqualTo(first);
      try (LineClient after = istioClient(SERVER_ID)) {
        assertThat(after.request("three")).isPresent();
        assertThat(after.serverCertificate()).isEqualTo(renewed.leaf()).isNotEqualTo(first);
      }
    }
  }

  @Test
  void theBundleMayHoldTwoRootsWhileARootIsRotated() throws Exception {
    TestSvids.Authority next = TestSvids.root("Next Mesh Root");
    List<X509Certificate> both = List.of(root.certificate(), next.certificate());
    serverSecrets.installTrustBundle(both);
    clientSecrets.installTrustBundle(both);
    // The client already has a certificate from the new root, the server still one from the old.
    clientSecrets.installCertificate(next.leaf().serviceAccount("client").build());
    try (LineClient client = istioClient(SERVER_ID)) {
      assertThat(client.request("hello")).contains("chain=0 peer=cluster.local/ns/default/sa/client");
    }
    // The old root retired: a certificate it signed is refused from the next handshake on.
    serverSecrets.installCertificate(next.leaf().serviceAccount("server").build());
    serverSecrets.installTrustBundle(List.of(next.certificate()));
    clientSecrets.installCertificate(root.leaf().serviceAccount("client").build());
    try (LineClient client = istioClient(SERVER_ID)) {
      assertThat(client.request("hello")).isEmpty();
    }
    await().until(() -> !server.handshakeFailures.isEmpty());
    assertThat(server.handshakeFailures.peek()).contains("PKIX path");
  }

  @Test
  void withoutACertificateYetAHandshakeFailsAndTheNextOneWorksOnceItArrives() throws Exception {
    WorkloadSecrets empty = new WorkloadSecrets();
    try (LineServer fresh =
        new LineServer(
            group, ListenerTls.build(listener(mutualTls(true)), "listeners[1]", Optional.of(empty)))) {
      try (LineClient client = new LineClient(group, fresh.port(), this::istioHandler)) {
        assertThat(client.handshakeFailure()).isNotNull();
      }
      empty.installCertificate(root.leaf().serviceAccount("server").build());
      empty.installTrustBundle(List.of(root.certificate()));
      try (LineClient client = new LineClient(group, fresh.port(), this::istioHandler)) {
        assertThat(client.request("hello")).contains("chain=0 peer=cluster.local/ns/default/sa/client");
      }
    }
  }

  @Test
  void aProxyWithoutWorkloadIdentityRefusesContextsThatNameItsSecrets() {
    ConfigException listener =
        catchThrowableOfType(
            ConfigException.class,
            () -> ListenerTls.build(listener(mutualTls(true)), "static_resources.listeners[0]"));
    String tls = "static_resources.listeners[0].filter_chains[0].transport_socket.typed_config";
    assertThat(listener.problems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(tls + ".common_tls_context.tls_certificate_sds_secret_configs[0]:")
                    .contains("this proxy has no workload identity"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        tls
                            + ".common_tls_context.combined_validation_context"
                            + ".validation_context_sds_secret_config:"));
    ConfigException cluster =
        catchThrowableOfType(
            ConfigException.class,
            () -> ClientTlsContexts.build(istio(List.of()), "clusters[0].transport_socket"));
    assertThat(cluster.problems()).hasSize(2);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static ListenerConfig listener(FilterChainConfig... chains) {
    return new ListenerConfig(
        "mtls", new InetSocketAddress("127.0.0.1", 0), List.of(chains), 0, 1 << 20);
  }

  /** A chain as Istio writes an inbound mTLS chain: workload certificate and trust bundle. */
  static FilterChainConfig mutualTls(boolean requireClientCertificate) {
    return new FilterChainConfig(
        List.of(),
        List.of(),
        Optional.of(
            new TlsServerConfig(
                List.of(),
                Optional.empty(),
                requireClientCertificate,
                List.of(),
                null,
                null,
                Optional.of(CERTIFICATE),
                Optional.of(BUNDLE),
                List.of())),
        FILTER);
  }

  /** An UpstreamTlsContext as Istio writes ISTIO_MUTUAL, accepting the given server names. */
  private static TlsClientConfig istio(List<SubjectAltNameMatcher> accepted) {
    return new TlsClientConfig(
        Optional.empty(),
        Optional.empty(),
        accepted,
        Optional.empty(),
        List.of(),
        Optional.of(CERTIFICATE),
        Optional.of(BUNDLE));
  }

  private SslHandler istioHandler(Channel ch) {
    try {
      return ClientTlsContexts.build(
              istio(List.of(SubjectAltNameMatcher.exactUri(SERVER_ID))),
              "clusters[0]",
              Optional.of(clientSecrets))
          .newHandler(ch.alloc());
    } catch (ConfigException e) {
      throw new AssertionError(e);
    }
  }

  private LineClient istioClient(String expectedServer) throws Exception {
    ClientTlsContext context =
        ClientTlsContexts.build(
            istio(List.of(SubjectAltNameMatcher.exactUri(expectedServer))),
            "clusters[0].transport_socket.typed_config",
            Optional.of(clientSecrets));
    return new LineClient(group, server.port(), ch -> context.newHandler(ch.alloc()));
  }

  /** A plain JDK client presenting {@code key} (or nothing) and trusting any server. */
  private static SslHandler rawClient(CertifiedKey key, Channel ch) {
    try {
      SslContextBuilder builder =
          SslContextBuilder.forClient()
              .sslProvider(SslProvider.JDK)
              .trustManager(InsecureTrustManagerFactory.INSTANCE);
      if (key != null) {
        builder.keyManager(new CertifiedKeyManager(List.of(key)));
      }
      SslContext context = builder.build();
      return context.newHandler(ch.alloc());
    } catch (SSLException e) {
      throw new AssertionError(e);
    }
  }
}
