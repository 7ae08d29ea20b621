package dev.bowline.proxy.config;

import static dev.bowline.proxy.config.BootstrapFiles.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bowline.proxy.config.HttpConnectionManagerConfig.CodecType;
import dev.bowline.proxy.config.TcpProxyConfig.WeightedCluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ListenerTranslatorTest {

  private static final String HCM_TYPE =
      "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3"
          + ".HttpConnectionManager";

  @Test
  void translatesATlsListenerWithSniChainsAndMutualTls() throws Exception {
    ListenerConfig listener = new BootstrapLoader().load(sample("tls.yaml")).listeners().get(0);

    assertThat(listener.perConnectionBufferLimitBytes()).isEqualTo(32_768);
    assertThat(listener.filterChains()).hasSize(2);
    FilterChainConfig sni = listener.filterChains().get(0);
    assertThat(sni.serverNames()).containsExactly("example.com", "*.example.com");
    assertThat(sni.tls()).contains(new TlsServerConfig(
        List.of(
            new CertificateFiles(Path.of("certs/example-rsa.crt"), Path.of("certs/example-rsa.key")),
            new CertificateFiles(Path.of("certs/example-ec.crt"), Path.of("certs/example-ec.key"))),
        Optional.of(Path.of("certs/clients-ca.crt")),
        true,
        List.of("h2", "http/1.1"),
        "TLSv1.3",
        "TLSv1.3"));
    HttpConnectionManagerConfig hcm = (HttpConnectionManagerConfig) sni.filter();
    assertThat(hcm.useRemoteAddress()).isTrue();
    assertThat(hcm.httpFilters()).containsExactly(
        new HttpFilterConfig("bowline.filters.example_header",
            Map.of("header", "x-example", "values", List.of("a", "b"))),
        new HttpFilterConfig(HttpFilterConfig.ROUTER, Map.of()));

    FilterChainConfig fallback = listener.filterChains().get(1);
    assertThat(fallback.serverNames()).isEmpty();
    assertThat(fallback.tls()).hasValueSatisfying(tls -> {
      assertThat(tls.requireClientCertificate()).isFalse();
      assertThat(tls.trustedCa()).isEmpty();
      assertThat(tls.alpn()).isEmpty();
      assertThat(tls.minVersion()).isEqualTo("TLSv1.2");
      assertThat(tls.maxVersion()).isEqualTo("TLSv1.3");
    });
    assertThat(((HttpConnectionManagerConfig) fallback.filter()).codec()).isEqualTo(CodecType.HTTP1);
  }

  @Test
  void translatesTcpProxyListenersWithAConnectionLimit() throws Exception {
    ProxyConfig config = new BootstrapLoader().load(sample("tcp-proxy.yaml"));

    ListenerConfig postgres = config.listeners().get(0);
    assertThat(postgres.maxConnections()).isEqualTo(100);
    assertThat(postgres.filterChains().get(0).filter()).isEqualTo(new TcpProxyConfig("postgres",
        List.of(new WeightedCluster("postgres_primary", 90),
            new WeightedCluster("postgres_canary", 10)),
        Duration.ofMinutes(10)));
    ListenerConfig redis = config.listeners().get(1);
    assertThat(redis.maxConnections()).isZero();
    assertThat(redis.filterChains().get(0).filter())
        .isEqualTo(new TcpProxyConfig("redis", List.of(new WeightedCluster("redis", 1)),
            Duration.ZERO));
  }

  @Test
  void translatesAnXdsListenerAloneAndNamesProblemsUnderTheGivenPath() {
    Listener listener = TestProtos.yaml("""
        address: { socket_address: { address: 10.0.0.1, port_value: 70000 } }
        filter_chains:
        - filters:
          - name: hcm
            typed_config:
              "@type": %s
              http_filters: [{ name: envoy.filters.http.router }, { name: bowline.filters.x }]
              max_request_headers_kb: 9000
              http2_protocol_options: { initial_stream_window_size: 1024 }
        """.formatted(HCM_TYPE), Listener.newBuilder());

    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> ListenerTranslator.translate(listener, "listener 'x'"));

    String hcm = "listener 'x'.filter_chains[0].filters[0].typed_config";
    assertThat(e.problems()).containsExactly(
        "listener 'x'.address.socket_address.port_value: must be from 0 to 65535, not 70000",
        hcm + ".stat_prefix: required",
        hcm + ".route_config: required (an inline route_config; rds is not supported by Bowline"
            + " yet)",
        hcm + ".http_filters[0]: the router must be the last HTTP filter",
        hcm + ".max_request_headers_kb: must be from 1 to 8192, not 9000",
        hcm + ".http2_protocol_options.initial_stream_window_size: must be from 65535 to"
            + " 2147483647, not 1024");
    assertThat(e.source()).isEmpty();
  }

  @Test
  void namesAListenerWrittenWithoutANameAfterItsAddress() throws Exception {
    Listener listener = TestProtos.yaml(tcpListener("", "0.0.0.0", 15001), Listener.newBuilder());

    ListenerConfig config = ListenerTranslator.translate(listener, "");

    assertThat(config.name()).isEqualTo("0.0.0.0_15001");
    assertThat(config.address()).isEqualTo(new InetSocketAddress("0.0.0.0", 15001));
  }

  @Test
  void requiresAnIpAddressAndAFilterChain() {
    Listener listener = TestProtos.yaml("""
        name: l
        address: { socket_address: { address: localhost, port_value: 80 } }
        """, Listener.newBuilder());

    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> ListenerTranslator.translate(listener, "l"));

    assertThat(e.problems()).containsExactly(
        "l.address.socket_address.address: 'localhost' is not an IP address (host names are"
            + " only for endpoints of STRICT_DNS and LOGICAL_DNS clusters)",
        "l.filter_chains: a listener needs at least one filter chain");
  }

  @Test
  void requiresTheRouterLast() {
    Listener listener = TestProtos.yaml("""
        name: l
        address: { socket_address: { address: 127.0.0.1, port_value: 80 } }
        filter_chains:
        - filters:
          - name: hcm
            typed_config:
              "@type": %s
              stat_prefix: http
              route_config: {}
              http_filters: [{ name: bowline.filters.x }]
        """.formatted(HCM_TYPE), Listener.newBuilder());

    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> ListenerTranslator.translate(listener, ""));

    assertThat(e.problems()).containsExactly("filter_chains[0].filters[0].typed_config"
        + ".http_filters: the last HTTP filter must be the router (envoy.filters.http.router)");
  }

  @Test
  void keepsUnknownHttpFiltersWithTheirConfigurationForTheDataPath() throws Exception {
    Listener listener = TestProtos.yaml("""
        name: l
        address: { socket_address: { address: 127.0.0.1, port_value: 80 } }
        filter_chains:
        - filters:
          - name: hcm
            typed_config:
              "@type": %s
              stat_prefix: http
              route_config: {}
              http_filters:
              - name: bowline.filters.rate_limit
                typed_config:
                  "@type": type.googleapis.com/google.protobuf.Struct
                  value: { requestsPerSecond: 5, burst: { size: 10 } }
              - name: envoy.filters.http.cors
              - name: legacy
                typed_config:
                  "@type": type.googleapis.com/udpa.type.v1.TypedStruct
                  value: { on: true }
              - name: anything
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
        """.formatted(HCM_TYPE), Listener.newBuilder());

    ListenerConfig config = ListenerTranslator.translate(listener, "");

    var hcm = (HttpConnectionManagerConfig) config.filterChains().get(0).filter();
    assertThat(hcm.httpFilters()).containsExactly(
        new HttpFilterConfig("bowline.filters.rate_limit",
            Map.of("requestsPerSecond", 5.0, "burst", Map.of("size", 10.0))),
        new HttpFilterConfig("envoy.filters.http.cors", Map.of()),
        new HttpFilterConfig("legacy", Map.of("on", true)),
        new HttpFilterConfig(HttpFilterConfig.ROUTER, Map.of()));
  }

  @Test
  void readsEveryConnectionManagerSetting() throws Exception {
    Listener listener = TestProtos.yaml("""
        name: l
        address: { socket_address: { address: 127.0.0.1, port_value: 80 } }
        filter_chains:
        - filters:
          - name: hcm
            typed_config:
              "@type": %s
              stat_prefix: http
              codec_type: HTTP2
              route_config: { name: r }
              http_filters: [{ name: envoy.filters.http.router }]
              max_request_headers_kb: 96
              common_http_protocol_options: { idle_timeout: 90s, max_headers_count: 50 }
              request_headers_timeout: 3s
              stream_idle_timeout: 60s
              drain_timeout: 1s
              use_remote_address: true
              xff_num_trusted_hops: 2
              generate_request_id: false
              normalize_path: false
              merge_slashes: true
              path_with_escaped_slashes_action: UNESCAPE_AND_REDIRECT
              http2_protocol_options:
                max_concurrent_streams: 50
                initial_stream_window_size: 131072
                initial_connection_window_size: 2097152
              access_log:
              - name: envoy.access_loggers.file
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
                  path: /var/log/bowline/access.log
                  log_format:
                    text_format_source:
                      inline_string: "%%RESPONSE_CODE%% %%RESPONSE_FLAGS%%\\n"
              - name: legacy
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog
                  path: /dev/stdout
                  format: "%%START_TIME%%\\n"
              - name: err
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StderrAccessLog
        """.formatted(HCM_TYPE), Listener.newBuilder());

    ListenerConfig config = ListenerTranslator.translate(listener, "");

    var hcm = (HttpConnectionManagerConfig) config.filterChains().get(0).filter();
    assertThat(hcm.codec()).isEqualTo(CodecType.HTTP2);
    assertThat(hcm.routeConfig().getName()).isEqualTo("r");
    assertThat(hcm.maxRequestHeadersKb()).isEqualTo(96);
    assertThat(hcm.maxHeadersCount()).isEqualTo(50);
    assertThat(hcm.idleTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(hcm.requestHeadersTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(hcm.streamIdleTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(hcm.drainTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(hcm.useRemoteAddress()).isTrue();
    assertThat(hcm.xffNumTrustedHops()).isEqualTo(2);
    assertThat(hcm.generateRequestId()).isFalse();
    assertThat(hcm.normalizePath()).isFalse();
    assertThat(hcm.mergeSlashes()).isTrue();
    assertThat(hcm.escapedSlashesAction())
        .isEqualTo(HttpConnectionManagerConfig.EscapedSlashesAction.UNESCAPE_AND_REDIRECT);
    assertThat(hcm.http2())
        .isEqualTo(new HttpConnectionManagerConfig.Http2Settings(50, 131_072, 2_097_152));
    assertThat(hcm.accessLogs()).containsExactly(
        new AccessLogConfig("/var/log/bowline/access.log", "%RESPONSE_CODE% %RESPONSE_FLAGS%\n"),
        new AccessLogConfig("/dev/stdout", "%START_TIME%\n"),
        new AccessLogConfig("/dev/stderr", ""));
  }

  @Test
  void xdsListenersCannotTurnMergeSlashesOffSinceTheWireDropsFalse() throws Exception {
    Listener listener = TestProtos.yaml("""
        name: l
        address: { socket_address: { address: 127.0.0.1, port_value: 80 } }
        filter_chains:
        - filters:
          - name: hcm
            typed_config:
              "@type": %s
              stat_prefix: http
              route_config: {}
              merge_slashes: false
              http_filters: [{ name: envoy.filters.http.router }]
        """.formatted(HCM_TYPE), Listener.newBuilder());
    String path = "filter_chains[0].filters[0].typed_config.merge_slashes";

    assertThat(mergeSlashes(ListenerTranslator.translate(listener, ""))).isTrue();
    assertThat(mergeSlashes(ListenerTranslator.translate(listener, "", ExplicitFields.of(
        List.of(path))))).isFalse();
  }

  @Test
  void checksTlsSettings() {
    Listener listener = TestProtos.yaml("""
        name: l
        address: { socket_address: { address: 127.0.0.1, port_value: 443 } }
        filter_chains:
        - transport_socket:
            name: envoy.transport_sockets.tls
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
              require_client_certificate: true
              common_tls_context:
                tls_certificates: [{ certificate_chain: { filename: a.crt } }]
                tls_params: { tls_minimum_protocol_version: TLSv1_1 }
          filters: [%s]
        - filter_chain_match: { server_names: [a.example] }
          transport_socket: { name: envoy.transport_sockets.raw_buffer }
          filters: [%s]
        - filter_chain_match: { server_names: [b.example] }
          transport_socket:
            name: envoy.transport_sockets.tls
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
              common_tls_context:
                tls_certificates: [{ certificate_chain: { filename: b.crt }, private_key: { filename: b.key } }]
                tls_params:
                  tls_minimum_protocol_version: TLSv1_3
                  tls_maximum_protocol_version: TLSv1_2
          filters: [%s]
        """.formatted(tcpFilter(), tcpFilter(), tcpFilter()), Listener.newBuilder());

    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> ListenerTranslator.translate(listener, ""));

    String tls0 = "filter_chains[0].transport_socket.typed_config";
    assertThat(e.problems()).containsExactly(
        tls0 + ".common_tls_context.tls_certificates[0].private_key.filename: required",
        tls0 + ".require_client_certificate: needs common_tls_context.validation_context"
            + ".trusted_ca, or the trust bundle (validation_context_sds_secret_config or"
            + " combined_validation_context), to verify client certificates",
        tls0 + ".common_tls_context.tls_params.tls_minimum_protocol_version: TLSv1_1 is not"
            + " supported: Bowline speaks TLS 1.2 and 1.3 only",
        "filter_chains[1].transport_socket: transport socket 'envoy.transport_sockets.raw_buffer'"
            + " is not supported by Bowline yet: use envoy.transport_sockets.tls with a"
            + " typed_config of type DownstreamTlsContext",
        "filter_chains[2].transport_socket.typed_config.common_tls_context.tls_params:"
            + " tls_minimum_protocol_version is above tls_maximum_protocol_version");
  }

  @Test
  void checksFilterChainStructure() {
    Listener listener = TestProtos.yaml("""
        name: l
        address: { socket_address: { address: 127.0.0.1, port_value: 80 } }
        filter_chains:
        - filters: [%s, %s]
        - filter_chain_match: { server_names: [a, b] }
          filters: [%s, %s]
        - filter_chain_match: { server_names: [b, a] }
          filters: [%s, %s]
        - filters: [{ name: envoy.filters.network.tcp_proxy }]
        - filters: [%s]
        """.formatted(tcpFilter(), limit(10), limit(10), tcpFilter(), limit(20), tcpFilter(),
            limit(5)), Listener.newBuilder());

    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> ListenerTranslator.translate(listener, ""));

    assertThat(e.problems()).containsExactly(
        "filter_chains[0].filters[0]: a terminal filter (envoy.filters.network.tcp_proxy) must be"
            + " the last filter of its chain",
        "filter_chains[0].filters[1]: connection_limit must come before the terminal filter"
            + " (http_connection_manager or tcp_proxy)",
        "filter_chains[2].filter_chain_match: the same match as filter_chains[1]: no connection"
            + " could ever reach this chain",
        "filter_chains[3].filter_chain_match: the same match as filter_chains[0]: no connection"
            + " could ever reach this chain",
        "filter_chains[3].filters[0].typed_config: required (an HttpConnectionManager, TcpProxy"
            + " or ConnectionLimit)",
        "filter_chains[4].filter_chain_match: the same match as filter_chains[0]: no connection"
            + " could ever reach this chain",
        "filter_chains[4].filters[0]: connection_limit must come before the terminal filter"
            + " (http_connection_manager or tcp_proxy)",
        "filter_chains: connection limits apply to the whole listener in Bowline: every"
            + " envoy.filters.network.connection_limit must have the same max_connections, not"
            + " [10, 20]");
  }

  @Test
  void acceptsTheTlsAndHttpInspectorsWithoutSettingsAndNoOtherListenerFilter() {
    Listener listener = TestProtos.yaml("""
        name: l
        address: { socket_address: { address: 127.0.0.1, port_value: 80 } }
        listener_filters:
        - name: envoy.filters.listener.tls_inspector
        - name: envoy.filters.listener.http_inspector
        - name: envoy.filters.listener.original_dst
        filter_chains: [{ filters: [%s] }]
        """.formatted(tcpFilter()), Listener.newBuilder());

    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> ListenerTranslator.translate(listener, ""));

    assertThat(e.problems()).containsExactly("listener_filters[2]: listener filter"
        + " 'envoy.filters.listener.original_dst' is not supported by Bowline yet (only"
        + " envoy.filters.listener.tls_inspector and envoy.filters.listener.http_inspector)");
  }

  private static boolean mergeSlashes(ListenerConfig config) {
    return ((HttpConnectionManagerConfig) config.filterChains().get(0).filter()).mergeSlashes();
  }

  private static String tcpFilter() {
    return "{ name: envoy.filters.network.tcp_proxy, typed_config: { \"@type\":"
        + " type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy,"
        + " stat_prefix: tcp, cluster: c } }";
  }

  private static String limit(int max) {
    return "{ name: envoy.filters.network.connection_limit, typed_config: { \"@type\":"
        + " type.googleapis.com/envoy.extensions.filters.network.connection_limit.v3"
        + ".ConnectionLimit, stat_prefix: limit, max_connections: " + max + " } }";
  }

  private static String tcpListener(String name, String address, int port) {
    return """
        name: "%s"
        address: { socket_address: { address: "%s", port_value: %d } }
        filter_chains: [{ filters: [%s] }]
        """.formatted(name, address, port, tcpFilter());
  }
}
