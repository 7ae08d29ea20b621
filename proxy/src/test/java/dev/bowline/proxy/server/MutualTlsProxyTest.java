package dev.bowline.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.bowline.proxy.config.BootstrapLoader;
import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.config.ProxyConfig;
import dev.bowline.proxy.identity.WorkloadSecrets;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.tls.TestSvids;
import dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers;
import dev.bowline.spi.plugin.FactoryRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS between two proxies as Istio configures it, over real sockets: an "outbound" proxy
 * whose cluster is {@code ISTIO_MUTUAL} (SDS {@code default} and {@code ROOTCA}, the server's
 * SPIFFE ID as the accepted SAN, Istio's ALPN) and an "inbound" proxy in front of an application,
 * its listener PERMISSIVE (a {@code tls} chain requiring client certificates and a {@code
 * raw_buffer} chain on the same port) or STRICT (the {@code tls} chain alone). Each proxy has its
 * own workload secrets, made with {@link TestSvids}. The inbound proxy sets {@code
 * x-forwarded-client-cert} as Istio's sidecar does and both log the peer identities.
 */
class MutualTlsProxyTest {

  private static final String CLIENT_ID = "spiffe://cluster.local/ns/default/sa/client";
  private static final String SERVER_ID = "spiffe://cluster.local/ns/default/sa/server";

  /** Istio's SDS reference: the proxy's agent on a local gRPC cluster. */
  private static final String SDS =
      "{api_config_source: {api_type: GRPC, set_node_on_first_message_only: true,"
          + " transport_api_version: V3, grpc_services: [{envoy_grpc: {cluster_name: sds-grpc}}]},"
          + " initial_fetch_timeout: 0s, resource_api_version: V3}";

  @TempDir Path dir;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final WorkloadSecrets inboundSecrets = new WorkloadSecrets();
  private final WorkloadSecrets outboundSecrets = new WorkloadSecrets();
  private TestSvids.Authority root;
  private TestUpstream app;
  private ProxyServer inbound;
  private ProxyServer outbound;

  @BeforeEach
  void start() throws Exception {
    root = TestSvids.root("Mesh Root");
    inboundSecrets.installCertificate(root.leaf().uri(SERVER_ID).build());
    inboundSecrets.installTrustBundle(List.of(root.certificate()));
    outboundSecrets.installCertificate(root.leaf().uri(CLIENT_ID).build());
    outboundSecrets.installTrustBundle(List.of(root.certificate()));
    app = new TestUpstream("app");
    inbound = proxy(Optional.of(inboundSecrets));
    outbound = proxy(Optional.of(outboundSecrets));
  }

  @AfterEach
  void stop() {
    for (AutoCloseable c : new AutoCloseable[] {outbound, inbound, app}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // closing the rest anyway
      }
    }
  }

  @Test
  void permissiveAcceptsMutualTlsFromTheMeshAndPlaintextOnTheSamePort() throws Exception {
    int inboundPort = applyInbound(true);
    int outboundPort = applyOutbound(inboundPort, SERVER_ID);

    // Through the mesh: the outbound proxy originates mutual TLS with the workload certificate.
    HttpResponse<String> meshed = get(outboundPort, "/meshed", "By=forged;URI=spiffe://evil/sa/x");
    assertThat(meshed.statusCode()).isEqualTo(200);
    TestUpstream.Seen seen = app.seen.get(app.seen.size() - 1);
    String xfcc = seen.header("x-forwarded-client-cert");
    assertThat(xfcc)
        .startsWith("By=" + SERVER_ID + ";Hash=")
        .endsWith(";URI=" + CLIENT_ID)
        .doesNotContain("forged");

    // Plaintext straight to the inbound port: served too, and a forged header is removed.
    HttpResponse<String> plain = get(inboundPort, "/plain", "URI=" + CLIENT_ID);
    assertThat(plain.statusCode()).isEqualTo(200);
    assertThat(app.seen.get(app.seen.size() - 1).header("x-forwarded-client-cert")).isNull();

    // The inbound log shows the client's SPIFFE ID for the meshed request and "-" for the other;
    // the outbound log shows the server it verified.
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(lines(dir.resolve("inbound.log")))
                    .contains(
                        "/meshed peer=" + CLIENT_ID + " local=" + SERVER_ID + " HTTP/1.1",
                        "/plain peer=- local=- HTTP/1.1"));
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(lines(dir.resolve("outbound.log")))
                    .contains("/meshed upstream_peer=" + SERVER_ID));
  }

  @Test
  void strictRefusesPlaintextAndClientsWithoutACertificate() throws Exception {
    int inboundPort = applyInbound(false);
    int outboundPort = applyOutbound(inboundPort, SERVER_ID);

    assertThat(get(outboundPort, "/meshed", null).statusCode()).isEqualTo(200);
    assertThatThrownBy(() -> get(inboundPort, "/plain", null)).isInstanceOf(IOException.class);
    assertThat(app.seen).extracting(TestUpstream.Seen::path).containsExactly("/meshed");

    Path ca = dir.resolve("root.pem");
    Files.writeString(ca, pem(root.certificate().getEncoded()));
    OpenSslRun noCertificate = openssl(inboundPort, ca);
    assertThat(noCertificate.output())
        .as("openssl s_client without a client certificate")
        .doesNotContain("HTTP/1.1 200")
        .containsIgnoringCase("alert");
  }

  @Test
  void http2BetweenTheProxiesWorksOverMutualTlsWithIstiosAlpn() throws Exception {
    int inboundPort = applyInbound(true);
    int outboundPort = applyOutbound(inboundPort, SERVER_ID, true);

    HttpResponse<String> meshed = get(outboundPort, "/h2", null);

    assertThat(meshed.statusCode()).isEqualTo(200);
    assertThat(app.seen.get(app.seen.size() - 1).header("x-forwarded-client-cert"))
        .endsWith(";URI=" + CLIENT_ID);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(lines(dir.resolve("inbound.log")))
                    .contains("/h2 peer=" + CLIENT_ID + " local=" + SERVER_ID + " HTTP/2"));
  }

  @Test
  void secureNamingRefusesAServerWithAnotherIdentity() throws Exception {
    int inboundPort = applyInbound(true);
    int outboundPort =
        applyOutbound(inboundPort, "spiffe://cluster.local/ns/default/sa/reviews");

    HttpResponse<String> response = get(outboundPort, "/meshed", null);
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.headers().firstValue("x-bowline-response-flags")).hasValue("UF");
    assertThat(app.seen).isEmpty();
  }

  @Test
  void aProxyWithoutWorkloadIdentityRefusesTheConfigurationAndNamesTheField() throws Exception {
    try (ProxyServer anonymous = proxy(Optional.empty())) {
      ConfigException e =
          catchThrowableOfType(
              ConfigException.class, () -> anonymous.apply(inboundConfig(true)));
      assertThat(e.problems())
          .anySatisfy(
              p ->
                  assertThat(p)
                      .startsWith(
                          "listener inbound.filter_chains[0].transport_socket.typed_config"
                              + ".common_tls_context.tls_certificate_sds_secret_configs[0]: ")
                      .contains("no workload identity"));
    }
  }

  // ---- configurations, as Istio writes them -------------------------------------------------

  private int applyInbound(boolean permissive) throws Exception {
    inbound.apply(inboundConfig(permissive));
    return inbound.listenerAddress("inbound").orElseThrow().getPort();
  }

  private ProxyConfig inboundConfig(boolean permissive) throws ConfigException {
    String hcm =
        """
        - name: envoy.filters.network.http_connection_manager
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
            stat_prefix: inbound_0.0.0.0_8080
            forward_client_cert_details: APPEND_FORWARD
            set_current_client_cert_details: {subject: true, dns: true, uri: true}
            access_log:
            - name: envoy.access_loggers.file
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
                path: %s
                log_format:
                  text_format_source:
                    inline_string: "%%REQ(:PATH)%% peer=%%DOWNSTREAM_PEER_URI_SAN%% local=%%DOWNSTREAM_LOCAL_URI_SAN%% %%PROTOCOL%%\\n"
            route_config:
              virtual_hosts:
              - name: inbound
                domains: ["*"]
                routes: [{match: {prefix: "/"}, route: {cluster: app}}]
            http_filters:
            - name: envoy.filters.http.router
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
        """
            .formatted(dir.resolve("inbound.log"));
    String plaintextChain =
        "    - filter_chain_match: {transport_protocol: raw_buffer}\n      filters:\n"
            + indent(hcm, "      ");
    String yaml =
        """
        static_resources:
          listeners:
          - name: inbound
            address: {socket_address: {address: 127.0.0.1, port_value: 0}}
            listener_filters:
            - name: envoy.filters.listener.tls_inspector
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector
            filter_chains:
            - filter_chain_match:
                transport_protocol: tls
                application_protocols: [istio-peer-exchange, istio, istio-http/1.0, istio-http/1.1, istio-h2]
              transport_socket:
                name: envoy.transport_sockets.tls
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                  common_tls_context:
                    alpn_protocols: [h2, http/1.1]
                    tls_params: {tls_minimum_protocol_version: TLSv1_2, tls_maximum_protocol_version: TLSv1_3}
                    tls_certificate_sds_secret_configs:
                    - name: default
                      sds_config: %s
                    combined_validation_context:
                      default_validation_context:
                        match_typed_subject_alt_names:
                        - san_type: URI
                          matcher: {prefix: "spiffe://cluster.local/"}
                      validation_context_sds_secret_config:
                        name: ROOTCA
                        sds_config: %s
                  require_client_certificate: true
              filters:
        """
                .formatted(SDS, SDS)
            + indent(hcm, "      ")
            + (permissive ? plaintextChain : "")
            + """
              clusters:
              - name: app
                type: STATIC
                connect_timeout: 1s
                load_assignment:
                  cluster_name: app
                  endpoints:
                  - lb_endpoints:
                    - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
            """
                .formatted(app.port());
    return new BootstrapLoader().parse("inbound.yaml", yaml);
  }

  private int applyOutbound(int inboundPort, String expectedServer) throws Exception {
    return applyOutbound(inboundPort, expectedServer, false);
  }

  private int applyOutbound(int inboundPort, String expectedServer, boolean http2)
      throws Exception {
    String protocolOptions =
        http2
            ? """
                typed_extension_protocol_options:
                  envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                    "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                    explicit_http_config: {http2_protocol_options: {}}
            """
            : "";
    String yaml =
        """
        static_resources:
          listeners:
          - name: outbound
            address: {socket_address: {address: 127.0.0.1, port_value: 0}}
            filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: outbound_0.0.0.0_9080
                  access_log:
                  - name: envoy.access_loggers.file
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
                      path: %s
                      log_format:
                        text_format_source:
                          inline_string: "%%REQ(:PATH)%% upstream_peer=%%UPSTREAM_PEER_URI_SAN%%\\n"
                  route_config:
                    virtual_hosts:
                    - name: server
                      domains: ["*"]
                      routes: [{match: {prefix: "/"}, route: {cluster: "outbound|8080||server.default.svc.cluster.local"}}]
                  http_filters:
                  - name: envoy.filters.http.router
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
          clusters:
          - name: "outbound|8080||server.default.svc.cluster.local"
            type: STATIC
            connect_timeout: 1s
            load_assignment:
              cluster_name: "outbound|8080||server.default.svc.cluster.local"
              endpoints:
              - lb_endpoints:
                - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
            transport_socket:
              name: envoy.transport_sockets.tls
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
                common_tls_context:
                  alpn_protocols: [istio-peer-exchange, istio]
                  tls_certificate_sds_secret_configs:
                  - name: default
                    sds_config: %s
                  combined_validation_context:
                    default_validation_context:
                      match_subject_alt_names: [{exact: "%s"}]
                    validation_context_sds_secret_config:
                      name: ROOTCA
                      sds_config: %s
        """
                .formatted(dir.resolve("outbound.log"), inboundPort, SDS, expectedServer, SDS)
            + protocolOptions;
    outbound.apply(new BootstrapLoader().parse("outbound.yaml", yaml));
    return outbound.listenerAddress("outbound").orElseThrow().getPort();
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static ProxyServer proxy(Optional<WorkloadSecrets> secrets) {
    return new ProxyServer(
        1,
        BuiltinLoadBalancers.newRegistry(),
        new FactoryRegistry<>("HTTP filter"),
        f -> null,
        new MetricRegistry(),
        secrets.map(s -> s));
  }

  private HttpResponse<String> get(int port, String path, String xfcc) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10));
    if (xfcc != null) {
      request.header("x-forwarded-client-cert", xfcc);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> lines(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }

  private static String indent(String text, String prefix) {
    return text.lines().map(line -> prefix + line).reduce("", (a, b) -> a + b + "\n");
  }

  private static String pem(byte[] der) {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END CERTIFICATE-----\n";
  }

  record OpenSslRun(int exitCode, String output) {}

  /** {@code openssl s_client} without a client certificate, sending one HTTP request. */
  private OpenSslRun openssl(int port, Path ca) throws Exception {
    Path request = dir.resolve("request.txt");
    Files.writeString(request, "GET /openssl HTTP/1.1\r\nHost: inbound\r\n\r\n");
    Path output = dir.resolve("openssl.out");
    List<String> command =
        new ArrayList<>(
            List.of(
                "openssl", "s_client", "-connect", "127.0.0.1:" + port, "-CAfile", ca.toString(),
                "-alpn", "istio-http/1.1", "-ign_eof"));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectInput(request.toFile())
            .redirectOutput(output.toFile())
            .start();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      throw new AssertionError("openssl s_client did not end: " + Files.readString(output));
    }
    return new OpenSslRun(
        process.exitValue(), Files.readString(output, StandardCharsets.ISO_8859_1));
  }
}
