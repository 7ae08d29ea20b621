package dev.bowline.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.proxy.config.CertificateFiles;
import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.config.FilterChainConfig;
import dev.bowline.proxy.config.ListenerConfig;
import dev.bowline.proxy.config.TcpProxyConfig;
import dev.bowline.proxy.config.TlsClientConfig;
import dev.bowline.proxy.config.TlsServerConfig;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Building contexts from config: what is accepted, and the problems reported otherwise. */
class TlsContextConfigTest {

  private static final String TLS =
      "static_resources.listeners[0].filter_chains[0]" + ".transport_socket.typed_config";
  private static final TcpProxyConfig FILTER =
      new TcpProxyConfig("t", List.of(new TcpProxyConfig.WeightedCluster("c", 1)), Duration.ZERO);

  @TempDir static Path dir;
  private static TestPki pki;

  @BeforeAll
  static void makeCertificates() throws Exception {
    pki = TestPki.create(dir);
  }

  private static TlsServerConfig server(
      List<CertificateFiles> certificates, Optional<Path> ca, boolean require, String min) {
    return new TlsServerConfig(certificates, ca, require, List.of("h2"), min, null);
  }

  @Test
  void buildsAServerContextWithAnRsaAndAnEcCertificate() throws Exception {
    SslContext context =
        ServerTlsContexts.build(
            server(
                List.of(
                    new CertificateFiles(pki.apiCert, pki.apiKey),
                    new CertificateFiles(pki.otherCert, pki.otherKeySec1)),
                Optional.of(pki.caCert),
                false,
                null),
            TLS);
    assertThat(context.isServer()).isTrue();
    assertThat(context.cipherSuites()).isSubsetOf(TlsPolicy.CIPHER_SUITES).isNotEmpty();
    assertThat(context.applicationProtocolNegotiator().protocols()).containsExactly("h2");
  }

  @Test
  void reportsEveryServerProblemWithItsField() {
    Path missing = dir.resolve("nope.pem");
    assertThatThrownBy(
            () ->
                ServerTlsContexts.build(
                    server(
                        List.of(
                            new CertificateFiles(pki.otherCert, pki.otherKeySec1),
                            new CertificateFiles(pki.clientCert, pki.clientKey),
                            new CertificateFiles(pki.apiCert, missing)),
                        Optional.empty(),
                        true,
                        "TLSv1_0"),
                    TLS))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactly(
                        TLS
                            + ".common_tls_context.tls_params.tls_minimum_protocol_version:"
                            + " TLSv1_0 is not supported; TLSv1_2 is the lowest version",
                        TLS
                            + ".common_tls_context.tls_certificates[1]: a second EC certificate"
                            + " (tls_certificates[0] is one); at most one certificate per key"
                            + " type",
                        TLS
                            + ".common_tls_context.tls_certificates[2].private_key.filename: "
                            + missing
                            + ": no such file",
                        TLS
                            + ".require_client_certificate: needs"
                            + " common_tls_context.validation_context.trusted_ca to verify client"
                            + " certificates"));
    assertThatThrownBy(
            () -> ServerTlsContexts.build(server(List.of(), Optional.empty(), false, null), TLS))
        .hasMessage(
            TLS
                + ".common_tls_context.tls_certificates: a TLS listener needs at least one"
                + " certificate");
  }

  @Test
  void aListenerReportsTheProblemsOfAllItsChains() {
    FilterChainConfig bad =
        new FilterChainConfig(
            List.of("a.example.com"),
            List.of(),
            Optional.of(
                server(
                    List.of(new CertificateFiles(pki.apiCert, pki.caCert)),
                    Optional.empty(),
                    false,
                    null)),
            FILTER);
    FilterChainConfig sameMatch =
        new FilterChainConfig(List.of("a.example.com"), List.of(), Optional.empty(), FILTER);
    ListenerConfig listener =
        new ListenerConfig(
            "l", new InetSocketAddress("127.0.0.1", 0), List.of(bad, sameMatch), 0, 1 << 20);
    assertThatThrownBy(() -> ListenerTls.build(listener, "static_resources.listeners[0]"))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactly(
                        TLS
                            + ".common_tls_context.tls_certificates[0].private_key.filename: "
                            + pki.caCert
                            + ": not a PEM private key",
                        "static_resources.listeners[0].filter_chains[1].filter_chain_match:"
                            + " matches the same connections as filter_chains[0] (server name"
                            + " a.example.com, application protocol any)"));
  }

  @Test
  void aPlaintextListenerNeedsNoInspection() throws Exception {
    ListenerConfig plain =
        new ListenerConfig(
            "l",
            new InetSocketAddress("127.0.0.1", 0),
            List.of(new FilterChainConfig(List.of(), List.of(), Optional.empty(), FILTER)),
            0,
            1 << 20);
    ListenerTls tls = ListenerTls.build(plain, "static_resources.listeners[0]");
    assertThat(tls.inspectsClientHello()).isFalse();
    assertThat(tls.serverContext(0)).isEmpty();
    assertThat(tls.select(ClientHello.NONE)).hasValue(0);
  }

  @Test
  void reportsEveryClientProblemWithItsField() {
    String cluster = "static_resources.clusters[1].transport_socket.typed_config";
    Path missing = dir.resolve("missing-ca.pem");
    assertThatThrownBy(
            () ->
                ClientTlsContexts.build(
                    new TlsClientConfig(
                        Optional.of("10.0.0.1"),
                        Optional.of(missing),
                        List.of(""),
                        Optional.of(new CertificateFiles(pki.clientCert, pki.otherKeySec1)),
                        List.of("h2", "h2")),
                    cluster))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .containsExactly(
                        cluster + ".sni: \"10.0.0.1\" is an IP address; SNI carries host names",
                        cluster
                            + ".common_tls_context.validation_context.trusted_ca.filename: "
                            + missing
                            + ": no such file",
                        cluster
                            + ".common_tls_context.validation_context"
                            + ".match_subject_alt_names[0]: empty name",
                        cluster
                            + ".common_tls_context.tls_certificates[0].private_key.filename: "
                            + pki.otherKeySec1
                            + ": does not match the certificate in "
                            + pki.clientCert
                            + " (EC key, EC certificate CN=client)",
                        cluster
                            + ".common_tls_context.alpn_protocols[1]: \"h2\" is listed"
                            + " twice"));
    assertThatThrownBy(
            () ->
                ClientTlsContexts.build(
                    new TlsClientConfig(
                        Optional.of("bad name!"),
                        Optional.empty(),
                        List.of(),
                        Optional.empty(),
                        List.of()),
                    cluster))
        .hasMessageStartingWith(cluster + ".sni: \"bad name!\" is not a valid host name");
  }

  @Test
  void aClientWithoutCaUsesTheJdkTrustStore() throws Exception {
    ClientTlsContext tls =
        ClientTlsContexts.build(
            new TlsClientConfig(
                Optional.of("example.com"),
                Optional.empty(),
                List.of(),
                Optional.empty(),
                List.of()),
            "c");
    assertThat(tls.sslContext().isClient()).isTrue();
    assertThat(tls.sni()).contains("example.com");
  }
}
