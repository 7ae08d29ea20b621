package dev.bowline.proxy.config;

import static dev.bowline.proxy.config.BootstrapFiles.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bowline.proxy.config.ClusterConfig.CircuitBreakerLimits;
import dev.bowline.proxy.config.ClusterConfig.Discovery;
import dev.bowline.proxy.config.ClusterConfig.UpstreamProtocol;
import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.model.HealthStatus;
import dev.bowline.spi.model.Locality;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterTranslatorTest {

  private static final String HTTP_OPTIONS = """
      typed_extension_protocol_options:
        envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
          "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
      """;

  @Test
  void translatesATlsClusterSpeakingHttp2() throws Exception {
    ClusterConfig cluster = new BootstrapLoader().load(sample("tls.yaml")).clusters().get(0);

    assertThat(cluster.name()).isEqualTo("backend_tls");
    assertThat(cluster.connectTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(cluster.protocol()).isEqualTo(UpstreamProtocol.HTTP2);
    assertThat(cluster.endpoints()).extracting(Endpoint::authority)
        .containsExactly("10.0.0.1:8443", "10.0.0.2:8443");
    assertThat(cluster.tls()).contains(new TlsClientConfig(
        Optional.of("backend.internal"),
        Optional.of(Path.of("certs/backend-ca.crt")),
        List.of(
            new SubjectAltNameMatcher(
                SubjectAltNameMatcher.Type.DNS, SubjectAltNameMatcher.Kind.EXACT,
                "backend.internal"),
            SubjectAltNameMatcher.exactUri("spiffe://cluster.local/ns/default/sa/backend")),
        Optional.of(new CertificateFiles(Path.of("certs/client.crt"), Path.of("certs/client.key"))),
        List.of("h2"),
        Optional.empty(),
        Optional.empty()));
  }

  @Test
  void translatesLeastRequestWithChoiceCountWeightsLocalitiesAndLimits() throws Exception {
    ProxyConfig config = new BootstrapLoader().load(sample("least-request.yaml"));

    ClusterConfig api = config.cluster("api").orElseThrow();
    assertThat(api.lbPolicy()).isEqualTo("bowline.lb.least_request");
    assertThat(api.lbConfig()).isEqualTo(Map.of("choiceCount", 3));
    assertThat(api.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(api.limits()).isEqualTo(new CircuitBreakerLimits(200, 50, 400, 5));
    assertThat(api.protocol()).isEqualTo(UpstreamProtocol.HTTP1);
    assertThat(api.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(api.maxRequestsPerConnection()).isEqualTo(1000);
    Locality b = new Locality("eu-west1", "eu-west1-b", "");
    Locality c = new Locality("eu-west1", "eu-west1-c", "rack7");
    assertThat(api.endpoints()).containsExactly(
        new Endpoint("10.1.0.1", 8080, Map.of(), b, 2, HealthStatus.UNKNOWN),
        new Endpoint("fd00::2", 8080, Map.of(), b, 1, HealthStatus.DRAINING),
        new Endpoint("10.1.1.1", 8080, Map.of(), c, 1, HealthStatus.UNHEALTHY),
        new Endpoint("10.1.1.2", 8080, Map.of(), c, 1, HealthStatus.HEALTHY));

    ClusterConfig eds = config.cluster("api_eds").orElseThrow();
    assertThat(eds.discovery()).isEqualTo(Discovery.EDS);
    assertThat(eds.endpoints()).isEmpty();
    assertThat(eds.lbPolicy()).isEqualTo("bowline.lb.random");
    assertThat(eds.lbConfig()).isEmpty();
  }

  @Test
  void leastRequestWithoutChoiceCountLeavesTheBalancersDefault() throws Exception {
    Cluster cluster = TestProtos.yaml("""
        name: c
        lb_policy: LEAST_REQUEST
        least_request_lb_config: {}
        """, Cluster.newBuilder());

    ClusterConfig config = ClusterTranslator.translate(cluster, "");

    assertThat(config.lbPolicy()).isEqualTo("bowline.lb.least_request");
    assertThat(config.lbConfig()).isEmpty();
    assertThat(config.discovery()).isEqualTo(Discovery.STATIC);
    assertThat(config.endpoints()).isEmpty();
  }

  @Test
  void reportsUnsupportedValuesOfSupportedFields() {
    Cluster cluster = TestProtos.yaml("""
        name: c
        type: ORIGINAL_DST
        lb_policy: CLUSTER_PROVIDED
        circuit_breakers:
          thresholds:
          - { priority: DEFAULT, max_connections: 1 }
          - { priority: DEFAULT, max_connections: 2 }
          - { priority: HIGH, max_connections: 3 }
        """, Cluster.newBuilder());

    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> ClusterTranslator.translate(cluster, "clusters[0]"));

    assertThat(e.problems()).containsExactly(
        "clusters[0].type: ORIGINAL_DST is not supported by Bowline yet (supported: STATIC with IP"
            + " endpoints, EDS, STRICT_DNS, LOGICAL_DNS)",
        "clusters[0].lb_policy: CLUSTER_PROVIDED is not supported by Bowline yet (supported:"
            + " ROUND_ROBIN, RANDOM, LEAST_REQUEST, RING_HASH, MAGLEV)",
        "clusters[0].circuit_breakers.thresholds[1].priority: DEFAULT is given twice",
        "clusters[0].circuit_breakers.thresholds[2].priority: HIGH is not supported by Bowline"
            + " yet (only DEFAULT)");
  }

  @Test
  void checksHowSettingsFitTogether() {
    Cluster cluster = TestProtos.yaml("""
        name: ""
        type: STATIC
        lb_policy: ROUND_ROBIN
        least_request_lb_config: { choice_count: 3 }
        eds_cluster_config: { service_name: x }
        http2_protocol_options: {}
        max_requests_per_connection: 10
        %s
            explicit_http_config: { http2_protocol_options: {} }
        load_assignment:
          endpoints:
          - lb_endpoints:
            - endpoint: { address: { socket_address: { address: backend.internal, port_value: 80 } } }
            - endpoint: { address: { socket_address: { address: 10.0.0.1, port_value: 0 } } }
              load_balancing_weight: 0
            - endpoint: { address: { socket_address: { address: 10.0.0.2, port_value: 80 } } }
              health_status: DEGRADED
        """.formatted(HTTP_OPTIONS), Cluster.newBuilder());

    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> ClusterTranslator.translate(cluster, ""));

    String options =
        "typed_extension_protocol_options[\"envoy.extensions.upstreams.http.v3.HttpProtocolOptions\"]";
    String hosts = "load_assignment.endpoints[0].lb_endpoints";
    assertThat(e.problems()).containsExactly(
        "name: required",
        "eds_cluster_config: only for type EDS",
        "load_assignment.cluster_name: required",
        hosts + "[0].endpoint.address.socket_address.address: 'backend.internal' is not an IP"
            + " address (host names are only for endpoints of STRICT_DNS and LOGICAL_DNS"
            + " clusters)",
        hosts + "[1].endpoint.address.socket_address.port_value: must be from 1 to 65535, not 0",
        hosts + "[1].load_balancing_weight: must be from 1 to 2147483647, not 0",
        hosts + "[2].health_status: DEGRADED is not supported by Bowline yet (supported: UNKNOWN,"
            + " HEALTHY, UNHEALTHY, DRAINING, TIMEOUT)",
        "least_request_lb_config: only for lb_policy LEAST_REQUEST",
        "http2_protocol_options: use either this legacy field or " + options + ", not both",
        "max_requests_per_connection: use either this legacy field or " + options
            + ".common_http_protocol_options, not both");
  }

  @Test
  void anEdsClusterTakesNoStaticEndpoints() {
    Cluster cluster = TestProtos.yaml("""
        name: c
        type: EDS
        eds_cluster_config: { eds_config: { ads: {} } }
        load_assignment: { cluster_name: c }
        """, Cluster.newBuilder());

    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> ClusterTranslator.translate(cluster, ""));

    assertThat(e.problems()).containsExactly(
        "load_assignment: an EDS cluster takes its endpoints from EDS, not from load_assignment");
  }

  @Test
  void readsTheLegacyHttp2FieldsAndRequiresAnExplicitProtocolInTheTypedOptions() throws Exception {
    Cluster legacy = TestProtos.yaml("""
        name: c
        http2_protocol_options: {}
        max_requests_per_connection: 7
        """, Cluster.newBuilder());
    assertThat(ClusterTranslator.translate(legacy, "")).satisfies(config -> {
      assertThat(config.protocol()).isEqualTo(UpstreamProtocol.HTTP2);
      assertThat(config.maxRequestsPerConnection()).isEqualTo(7);
    });

    Cluster typed = TestProtos.yaml("name: c\n" + HTTP_OPTIONS
        + "    common_http_protocol_options: { idle_timeout: 1s }\n", Cluster.newBuilder());
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> ClusterTranslator.translate(typed, ""));
    assertThat(e.problems()).containsExactly("typed_extension_protocol_options[\"envoy.extensions"
        + ".upstreams.http.v3.HttpProtocolOptions\"].explicit_http_config: required (with"
        + " http_protocol_options or http2_protocol_options)");
  }

  @Test
  void checksUpstreamTls() {
    Cluster cluster = TestProtos.yaml("""
        name: c
        transport_socket:
          name: envoy.transport_sockets.tls
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
            common_tls_context:
              tls_certificates:
              - { certificate_chain: { filename: a.crt }, private_key: { filename: a.key } }
              - { certificate_chain: { filename: b.crt }, private_key: { filename: b.key } }
              validation_context:
                match_typed_subject_alt_names:
                - { san_type: EMAIL, matcher: { exact: a@example.com } }
                - { matcher: { exact: a.example } }
                - { san_type: DNS, matcher: { exact: "" } }
        """, Cluster.newBuilder());

    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> ClusterTranslator.translate(cluster, ""));

    String ctx = "transport_socket.typed_config.common_tls_context";
    String sans = ctx + ".validation_context.match_typed_subject_alt_names";
    assertThat(e.problems()).containsExactly(
        sans + "[0].san_type: EMAIL is not supported by Bowline yet (supported: DNS, URI)",
        sans + "[1].san_type: required (DNS or URI)",
        sans + "[2].matcher.exact: must not be empty",
        ctx + ".tls_certificates: a client offers one certificate; 2 are configured");
  }

  @Test
  void acceptsTheLegacySubjectAltNameMatchers() throws Exception {
    Cluster cluster = TestProtos.yaml("""
        name: c
        transport_socket:
          name: tls
          typed_config:
            "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
            common_tls_context:
              validation_context:
                match_subject_alt_names: [{ exact: a.example }]
              alpn_protocols: ["h2,http/1.1"]
        """, Cluster.newBuilder());

    TlsClientConfig tls = ClusterTranslator.translate(cluster, "").tls().orElseThrow();

    assertThat(tls.subjectAltNames()).containsExactly(SubjectAltNameMatcher.exact("a.example"));
    assertThat(tls.trustedCa()).isEmpty();
    assertThat(tls.sni()).isEmpty();
    assertThat(tls.clientCertificate()).isEmpty();
    assertThat(tls.alpn()).containsExactly("h2", "http/1.1");
  }

  @Test
  void transportSocketMatchesChooseASocketPerEndpoint() throws Exception {
    Cluster cluster = TestProtos.yaml("""
        name: outbound|80||api.shop.svc.cluster.local
        type: EDS
        transport_socket_matches:
        - name: tlsMode-istio
          match: { tlsMode: istio }
          transport_socket:
            name: envoy.transport_sockets.tls
            typed_config:
              "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
              common_tls_context:
                validation_context:
                  match_subject_alt_names: [{ exact: "spiffe://cluster.local/ns/shop/sa/api" }]
        - name: tlsMode-disabled
          match: {}
          transport_socket: { name: envoy.transport_sockets.raw_buffer }
        """, Cluster.newBuilder());

    ClusterConfig config = ClusterTranslator.translate(cluster, "");

    assertThat(config.tls()).isEmpty();
    assertThat(config.socketMatches()).hasSize(2);
    TransportSocketMatch istio = config.socketMatches().get(0);
    assertThat(istio.match()).isEqualTo(Map.of("tlsMode", "istio"));
    assertThat(istio.tls().orElseThrow().subjectAltNames()).extracting(SubjectAltNameMatcher::value)
        .containsExactly("spiffe://cluster.local/ns/shop/sa/api");
    assertThat(istio.matches(Map.of("tlsMode", "istio", "other", "x"))).isTrue();
    assertThat(istio.matches(Map.of())).isFalse();
    assertThat(config.socketMatches().get(1).tls()).isEmpty();
    assertThat(config.socketMatches().get(1).matches(Map.of())).isTrue();

    Cluster bad = TestProtos.yaml("""
        name: c
        type: EDS
        transport_socket_matches:
        - name: m
          match: { tlsMode: 1 }
          transport_socket: { name: envoy.transport_sockets.alts }
        """, Cluster.newBuilder());
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> ClusterTranslator.translate(bad, "c"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p)
        .startsWith("c.transport_socket_matches[0].match.tlsMode: must be a string"));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p)
        .startsWith("c.transport_socket_matches[0].transport_socket"));
  }
}
