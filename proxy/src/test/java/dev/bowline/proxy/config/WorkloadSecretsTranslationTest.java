package dev.bowline.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bowline.proxy.config.FilterChainConfig.TransportProtocol;
import dev.bowline.proxy.config.SubjectAltNameMatcher.Kind;
import dev.bowline.proxy.config.SubjectAltNameMatcher.Type;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import org.junit.jupiter.api.Test;

/**
 * Translation of the TLS contexts Istio writes for mutual TLS (SDS secrets {@code default} and
 * {@code ROOTCA}, combined validation contexts, SAN matchers), of {@code transport_protocol} and
 * of {@code x-forwarded-client-cert} handling, and the errors for what Bowline does not take.
 */
class WorkloadSecretsTranslationTest {

  /** Istio's SDS reference, an API config source on a local gRPC cluster. */
  private static final String SDS =
      "{ api_config_source: { api_type: GRPC, set_node_on_first_message_only: true,"
          + " transport_api_version: V3, grpc_services: [{ envoy_grpc: { cluster_name: sds-grpc } }] },"
          + " initial_fetch_timeout: 0s, resource_api_version: V3 }";

  private static final String TCP =
      "{ name: envoy.filters.network.tcp_proxy, typed_config: { \"@type\":"
          + " type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy,"
          + " stat_prefix: tcp, cluster: c } }";

  private static Cluster cluster(String commonTlsContext) {
    return TestProtos.yaml(
        """
        name: outbound|9080||reviews.default.svc.cluster.local
        transport_socket:
          name: envoy.transport_sockets.tls
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
            common_tls_context:
        """
            + commonTlsContext.indent(6),
        Cluster.newBuilder());
  }

  private static Listener listener(String chains) {
    return TestProtos.yaml(
        """
        name: virtualInbound
        address: { socket_address: { address: 0.0.0.0, port_value: 15006 } }
        listener_filters:
        - name: envoy.filters.listener.tls_inspector
          typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector }
        filter_chains:
        """
            + chains,
        Listener.newBuilder());
  }

  private static String mtlsChain(String commonTlsContext) {
    return """
        - filter_chain_match: { transport_protocol: tls, application_protocols: [istio-peer-exchange, istio] }
          transport_socket:
            name: envoy.transport_sockets.tls
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
              require_client_certificate: true
              common_tls_context:
        """
        + commonTlsContext.indent(8)
        + "  filters: ["
        + TCP
        + "]\n";
  }

  @Test
  void readsIstioMutualAsTheWorkloadCertificateTheBundleAndSecureNaming() throws Exception {
    Cluster proto =
        cluster(
            """
            alpn_protocols: [istio-peer-exchange, istio]
            tls_certificate_sds_secret_configs:
            - { name: default, sds_config: %s }
            combined_validation_context:
              default_validation_context:
                match_subject_alt_names: [{ exact: "spiffe://cluster.local/ns/default/sa/reviews" }]
                match_typed_subject_alt_names:
                - { san_type: URI, matcher: { exact: "spiffe://cluster.local/ns/default/sa/reviews-v2" } }
                - { san_type: DNS, matcher: { prefix: "reviews." } }
              validation_context_sds_secret_config: { name: ROOTCA, sds_config: { ads: {} } }
            """
                .formatted(SDS));

    TlsClientConfig tls = ClusterTranslator.translate(proto, "").tls().orElseThrow();

    assertThat(tls.workloadCertificate())
        .contains(
            new WorkloadSecretReference("common_tls_context.tls_certificate_sds_secret_configs[0]"));
    assertThat(tls.workloadTrustBundle())
        .contains(
            new WorkloadSecretReference(
                "common_tls_context.combined_validation_context"
                    + ".validation_context_sds_secret_config"));
    assertThat(tls.subjectAltNames())
        .containsExactly(
            new SubjectAltNameMatcher(
                Type.URI, Kind.EXACT, "spiffe://cluster.local/ns/default/sa/reviews-v2"),
            new SubjectAltNameMatcher(Type.DNS, Kind.PREFIX, "reviews."),
            SubjectAltNameMatcher.exact("spiffe://cluster.local/ns/default/sa/reviews"));
    assertThat(tls.trustedCa()).isEmpty();
    assertThat(tls.clientCertificate()).isEmpty();
    assertThat(tls.alpn()).containsExactly("istio-peer-exchange", "istio");
  }

  @Test
  void readsTheTrustBundleAloneAsValidationContextSdsSecretConfig() throws Exception {
    Cluster proto =
        cluster(
            """
            tls_certificate_sds_secret_configs: [{ name: default, sds_config: { path: /etc/sds } }]
            validation_context_sds_secret_config: { name: ROOTCA, sds_config: %s }
            """
                .formatted(SDS));

    TlsClientConfig tls = ClusterTranslator.translate(proto, "").tls().orElseThrow();

    assertThat(tls.workloadTrustBundle())
        .contains(
            new WorkloadSecretReference("common_tls_context.validation_context_sds_secret_config"));
    assertThat(tls.subjectAltNames()).isEmpty();
  }

  @Test
  void readsIstiosInboundChainsWithTransportProtocols() throws Exception {
    Listener proto =
        listener(
            mtlsChain(
                    """
                    alpn_protocols: [h2, http/1.1]
                    tls_certificate_sds_secret_configs: [{ name: default, sds_config: %s }]
                    combined_validation_context:
                      default_validation_context:
                        match_typed_subject_alt_names:
                        - { san_type: URI, matcher: { prefix: "spiffe://cluster.local/" } }
                      validation_context_sds_secret_config: { name: ROOTCA, sds_config: %s }
                    """
                        .formatted(SDS, SDS))
                + "- filter_chain_match: { transport_protocol: raw_buffer }\n  filters: ["
                + TCP
                + "]\n");

    ListenerConfig config = ListenerTranslator.translate(proto, "");

    FilterChainConfig mtls = config.filterChains().get(0);
    assertThat(mtls.transportProtocol()).isEqualTo(TransportProtocol.TLS);
    assertThat(mtls.applicationProtocols()).containsExactly("istio-peer-exchange", "istio");
    TlsServerConfig tls = mtls.tls().orElseThrow();
    assertThat(tls.certificates()).isEmpty();
    assertThat(tls.workloadCertificate()).isPresent();
    assertThat(tls.workloadTrustBundle()).isPresent();
    assertThat(tls.requireClientCertificate()).isTrue();
    assertThat(tls.clientSubjectAltNames())
        .containsExactly(new SubjectAltNameMatcher(Type.URI, Kind.PREFIX, "spiffe://cluster.local/"));
    FilterChainConfig plaintext = config.filterChains().get(1);
    assertThat(plaintext.transportProtocol()).isEqualTo(TransportProtocol.RAW_BUFFER);
    assertThat(plaintext.tls()).isEmpty();
  }

  @Test
  void refusesSecretsBowlineDoesNotHaveAndNamesTheField() {
    Cluster proto =
        cluster(
            """
            tls_certificate_sds_secret_configs: [{ name: "file-cert", sds_config: %s }]
            combined_validation_context:
              default_validation_context: {}
              validation_context_sds_secret_config: { name: rootca }
            """
                .formatted(SDS));

    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> ClusterTranslator.translate(proto, ""));

    String common = "transport_socket.typed_config.common_tls_context";
    assertThat(e.problems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(common + ".tls_certificate_sds_secret_configs[0].name: 'file-cert'"
                        + " is not a secret Bowline has")
                    .contains("'default' (the workload certificate)"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        common
                            + ".combined_validation_context.validation_context_sds_secret_config"
                            + ".name: 'rootca' is not a secret Bowline has"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith(
                        common
                            + ".combined_validation_context.validation_context_sds_secret_config"
                            + ".sds_config: required"));
  }

  @Test
  void refusesTwoCertificateSourcesAndUnsupportedMatchers() {
    Cluster twoSds =
        cluster(
            """
            tls_certificate_sds_secret_configs:
            - { name: default, sds_config: { ads: {} } }
            - { name: default, sds_config: { ads: {} } }
            """);
    assertThat(
            catchThrowableOfType(
                    ConfigException.class, () -> ClusterTranslator.translate(twoSds, ""))
                .problems())
        .containsExactly(
            "transport_socket.typed_config.common_tls_context.tls_certificate_sds_secret_configs:"
                + " one SDS certificate (\"default\", the workload certificate) is supported; 2"
                + " are configured");

    Listener mixed =
        listener(
            mtlsChain(
                """
                tls_certificates: [{ certificate_chain: { filename: a.crt }, private_key: { filename: a.key } }]
                tls_certificate_sds_secret_configs: [{ name: default, sds_config: { ads: {} } }]
                validation_context_sds_secret_config: { name: ROOTCA, sds_config: { ads: {} } }
                """));
    assertThat(
            catchThrowableOfType(
                    ConfigException.class, () -> ListenerTranslator.translate(mixed, ""))
                .problems())
        .containsExactly(
            "filter_chains[0].transport_socket.typed_config.common_tls_context"
                + ".tls_certificate_sds_secret_configs: tls_certificates and"
                + " tls_certificate_sds_secret_configs cannot be combined in Bowline: choose files"
                + " or the workload certificate");

    Cluster suffix =
        cluster(
            """
            validation_context:
              match_typed_subject_alt_names: [{ san_type: URI, matcher: { suffix: "/sa/reviews" } }]
            """);
    assertThat(
            catchThrowableOfType(
                    ConfigException.class, () -> ClusterTranslator.translate(suffix, ""))
                .problems())
        .containsExactly(
            "transport_socket.typed_config.common_tls_context.validation_context"
                + ".match_typed_subject_alt_names[0].matcher.suffix: not supported by Bowline yet");
  }

  @Test
  void transportProtocolsAreTlsRawBufferOrAny() {
    Listener quic =
        listener("- filter_chain_match: { transport_protocol: quic }\n  filters: [" + TCP + "]\n");
    assertThat(
            catchThrowableOfType(ConfigException.class, () -> ListenerTranslator.translate(quic, ""))
                .problems())
        .containsExactly(
            "filter_chains[0].filter_chain_match.transport_protocol: 'quic' is not a transport"
                + " protocol Bowline detects (tls, raw_buffer, or empty for any)");

    Listener twins =
        listener(
            "- filter_chain_match: { transport_protocol: raw_buffer }\n  filters: ["
                + TCP
                + "]\n- filter_chain_match: { transport_protocol: raw_buffer }\n  filters: ["
                + TCP
                + "]\n");
    assertThat(
            catchThrowableOfType(
                    ConfigException.class, () -> ListenerTranslator.translate(twins, ""))
                .problems())
        .containsExactly(
            "filter_chains[1].filter_chain_match: the same match as filter_chains[0]: no"
                + " connection could ever reach this chain");
  }

  @Test
  void readsTheClientCertificateHeaderSettingsAsIstioWritesThem() throws Exception {
    Listener proto =
        listener(
            """
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: inbound
                  forward_client_cert_details: APPEND_FORWARD
                  set_current_client_cert_details: { subject: true, dns: true, uri: true }
                  route_config: {}
                  http_filters: [{ name: envoy.filters.http.router, typed_config: { "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router } }]
            """);

    HttpConnectionManagerConfig hcm =
        (HttpConnectionManagerConfig)
            ListenerTranslator.translate(proto, "").filterChains().get(0).filter();

    assertThat(hcm.clientCertForwarding())
        .isEqualTo(
            new ClientCertForwarding(ClientCertForwarding.Mode.APPEND_FORWARD, true, true, true));
    assertThat(
            catchThrowableOfType(
                    ConfigException.class,
                    () ->
                        ListenerTranslator.translate(
                            listener(
                                """
                                - filters:
                                  - name: envoy.filters.network.http_connection_manager
                                    typed_config:
                                      "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                                      stat_prefix: inbound
                                      set_current_client_cert_details: { cert: true }
                                      route_config: {}
                                      http_filters: [{ name: envoy.filters.http.router }]
                                """),
                            ""))
                .problems())
        .containsExactly(
            "filter_chains[0].filters[0].typed_config.set_current_client_cert_details.cert: not"
                + " supported by Bowline yet");
  }

  @Test
  void withoutSettingsTheHeaderIsSanitized() throws Exception {
    Listener proto =
        listener(
            """
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: inbound
                  route_config: {}
                  http_filters: [{ name: envoy.filters.http.router }]
            """);
    HttpConnectionManagerConfig hcm =
        (HttpConnectionManagerConfig)
            ListenerTranslator.translate(proto, "").filterChains().get(0).filter();
    assertThat(hcm.clientCertForwarding()).isEqualTo(ClientCertForwarding.SANITIZE);
  }
}
