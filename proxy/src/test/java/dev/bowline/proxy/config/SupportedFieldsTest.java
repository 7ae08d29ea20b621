package dev.bowline.proxy.config;

import static dev.bowline.proxy.config.BootstrapFiles.sample;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.UnknownFieldSet;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SupportedFieldsTest {

  private static final YAMLMapper YAML = new YAMLMapper();
  private static final String LISTENER = "/static_resources/listeners/0";
  private static final String CHAIN = LISTENER + "/filter_chains/0";
  private static final String HCM = CHAIN + "/filters/0/typed_config";
  private static final String CLUSTER = "/static_resources/clusters/0";
  private static final String HCM_PATH =
      "static_resources.listeners[0].filter_chains[0].filters[0].typed_config";
  private static final String UPSTREAM_HTTP =
      "static_resources.clusters[0].typed_extension_protocol_options"
          + "[\"envoy.extensions.upstreams.http.v3.HttpProtocolOptions\"]";

  @TempDir Path dir;

  /** Where to add a field to tls.yaml (a JSON pointer), the field, its YAML value, its path. */
  static Stream<Arguments> unsupportedFields() {
    return Stream.of(
        arguments("", "stats_flush_interval", "5s", "stats_flush_interval"),
        arguments("", "layered_runtime", "{layers: [{name: l, static_layer: {}}]}",
            "layered_runtime"),
        arguments("/admin", "profile_path", "/tmp/prof", "admin.profile_path"),
        arguments("/static_resources", "secrets", "[{name: s}]", "static_resources.secrets"),
        arguments(LISTENER, "use_original_dst", "true",
            "static_resources.listeners[0].use_original_dst"),
        arguments(LISTENER, "socket_options", "[{level: 1, name: 2, int_value: 1}]",
            "static_resources.listeners[0].socket_options"),
        arguments(LISTENER + "/address/socket_address", "protocol", "UDP",
            "static_resources.listeners[0].address.socket_address.protocol"),
        arguments(CHAIN + "/filter_chain_match", "source_ports", "[80]",
            "static_resources.listeners[0].filter_chains[0].filter_chain_match.source_ports"),
        arguments(CHAIN + "/transport_socket/typed_config", "session_timeout", "60s",
            "static_resources.listeners[0].filter_chains[0].transport_socket.typed_config"
                + ".session_timeout"),
        arguments(CHAIN + "/transport_socket/typed_config/common_tls_context/tls_params",
            "cipher_suites", "[ECDHE-RSA-AES128-GCM-SHA256]",
            "static_resources.listeners[0].filter_chains[0].transport_socket.typed_config"
                + ".common_tls_context.tls_params.cipher_suites"),
        arguments(HCM, "tracing", "{}", HCM_PATH + ".tracing"),
        arguments(HCM, "upgrade_configs", "[{upgrade_type: websocket}]",
            HCM_PATH + ".upgrade_configs"),
        arguments(HCM, "http2_protocol_options", "{allow_connect: true}",
            HCM_PATH + ".http2_protocol_options.allow_connect"),
        arguments(HCM + "/http_filters/0", "disabled", "true",
            HCM_PATH + ".http_filters[0].disabled"),
        arguments(HCM + "/http_filters/1/typed_config", "suppress_envoy_headers", "true",
            HCM_PATH + ".http_filters[1].typed_config.suppress_envoy_headers"),
        arguments(CLUSTER, "outlier_detection", "{consecutive_5xx: 5, monitors: [{name: m}]}",
            "static_resources.clusters[0].outlier_detection.monitors"),
        arguments(CLUSTER, "outlierDetection", "{consecutive5xx: 5, monitors: [{name: m}]}",
            "static_resources.clusters[0].outlier_detection.monitors"),
        arguments(CLUSTER, "health_checks",
            "[{timeout: 1s, interval: 5s, unhealthy_threshold: 2, healthy_threshold: 1,"
                + " tcp_health_check: {}, event_log_path: /tmp/hc.log}]",
            "static_resources.clusters[0].health_checks[0].event_log_path"),
        arguments(CLUSTER, "health_checks",
            "[{timeout: 1s, interval: 5s, unhealthy_threshold: 2, healthy_threshold: 1,"
                + " http_health_check: {path: /healthz, service_name_matcher: {exact: a}}}]",
            "static_resources.clusters[0].health_checks[0].http_health_check"
                + ".service_name_matcher"),
        arguments(CLUSTER, "common_lb_config",
            "{healthy_panic_threshold: {value: 50}, zone_aware_lb_config: {}}",
            "static_resources.clusters[0].common_lb_config.zone_aware_lb_config"),
        arguments(CLUSTER + "/load_assignment", "policy",
            "{overprovisioning_factor: 140, drop_overloads: [{category: throttle}]}",
            "static_resources.clusters[0].load_assignment.policy.drop_overloads"),
        arguments(CLUSTER + "/load_assignment/endpoints/0", "proximity", "1",
            "static_resources.clusters[0].load_assignment.endpoints[0].proximity"),
        arguments(CLUSTER + "/load_assignment/endpoints/0/lb_endpoints/1/endpoint", "hostname",
            "b.internal",
            "static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[1].endpoint"
                + ".hostname"),
        arguments(
            CLUSTER + "/typed_extension_protocol_options/"
                + "envoy.extensions.upstreams.http.v3.HttpProtocolOptions/explicit_http_config/"
                + "http2_protocol_options",
            "max_concurrent_streams", "10",
            UPSTREAM_HTTP + ".explicit_http_config.http2_protocol_options.max_concurrent_streams"),
        arguments(CLUSTER + "/typed_extension_protocol_options", "my.options",
            "{'@type': type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions,"
                + " explicit_http_config: {http_protocol_options: {}}}",
            "static_resources.clusters[0].typed_extension_protocol_options[\"my.options\"]"),
        arguments(CLUSTER + "/transport_socket/typed_config", "allow_renegotiation", "true",
            "static_resources.clusters[0].transport_socket.typed_config.allow_renegotiation"),
        arguments(
            CLUSTER + "/transport_socket/typed_config/common_tls_context/validation_context/"
                + "match_typed_subject_alt_names/0/matcher",
            "ignore_case", "true",
            "static_resources.clusters[0].transport_socket.typed_config.common_tls_context"
                + ".validation_context.match_typed_subject_alt_names[0].matcher.ignore_case"));
  }

  @ParameterizedTest(name = "{3}")
  @MethodSource("unsupportedFields")
  void reportsEachUnsupportedFieldWithItsExactPath(
      String pointer, String field, String yamlValue, String expectedPath) throws Exception {
    ObjectNode root = (ObjectNode) YAML.readTree(Files.readString(sample("tls.yaml")));
    ((ObjectNode) root.at(pointer)).set(field, YAML.readTree(yamlValue));
    Path file = Files.writeString(dir.resolve("bootstrap.yaml"), YAML.writeValueAsString(root));

    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> new BootstrapLoader().load(file));

    assertThat(e).as("loading with %s set", expectedPath).isNotNull();
    assertThat(e.problems()).containsExactly(expectedPath + ": not supported by Bowline yet");
  }

  @Test
  void theBaseOfThoseCasesIsSupported() throws Exception {
    assertThat(new BootstrapLoader().load(sample("tls.yaml")).listeners()).hasSize(1);
  }

  @Test
  void reportsSeveralUnsupportedFieldsAtOnce() {
    ConfigException e =
        catchThrowableOfType(
            ConfigException.class, () -> new BootstrapLoader().load(sample("unsupported.yaml")));

    String tls = "static_resources.clusters[0].transport_socket.typed_config.common_tls_context";
    assertThat(e.problems())
        .containsExactlyInAnyOrder(
            "stats_flush_interval: not supported by Bowline yet",
            "node.metadata: not supported by Bowline yet",
            "static_resources.listeners[0].use_original_dst: not supported by Bowline yet",
            "static_resources.listeners[0].filter_chains[0].filter_chain_match.destination_port:"
                + " not supported by Bowline yet",
            HCM_PATH + ".server_name: not supported by Bowline yet",
            HCM_PATH + ".common_http_protocol_options.headers_with_underscores_action:"
                + " not supported by Bowline yet",
            HCM_PATH + ".upgrade_configs: not supported by Bowline yet",
            HCM_PATH + ".access_log[0].filter: not supported by Bowline yet",
            "static_resources.clusters[0].outlier_detection.monitors: not supported by Bowline yet",
            "static_resources.clusters[0].circuit_breakers.thresholds[0].retry_budget:"
                + " not supported by Bowline yet",
            "static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].metadata"
                + ".filter_metadata[\"istio\"]: not supported by Bowline yet",
            tls + ".tls_certificates[0].certificate_chain.inline_string:"
                + " not supported by Bowline yet",
            tls + ".tls_params: not supported by Bowline yet");
  }

  @Test
  void reportsATypedConfigOfASupportedTypeInTheWrongPlace() throws Exception {
    ObjectNode root = (ObjectNode) YAML.readTree(Files.readString(sample("tls.yaml")));
    ObjectNode socket = (ObjectNode) root.at(CHAIN + "/transport_socket/typed_config");
    socket.removeAll();
    socket.put("@type",
        "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext");
    Path file = Files.writeString(dir.resolve("misplaced.yaml"), YAML.writeValueAsString(root));

    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> new BootstrapLoader().load(file));

    assertThat(e.problems()).containsExactly(
        "static_resources.listeners[0].filter_chains[0].transport_socket.typed_config: type"
            + " envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext is not supported here"
            + " by Bowline (supported: envoy.extensions.transport_sockets.tls.v3"
            + ".DownstreamTlsContext)");
  }

  @Test
  void reportsFieldsUnknownToBowlinesEnvoyApiInBinaryResources() {
    Cluster cluster =
        Cluster.newBuilder()
            .setName("c")
            .setUnknownFields(
                UnknownFieldSet.newBuilder()
                    .addField(9999, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
                    .build())
            .build();

    assertThatThrownBy(() -> ClusterTranslator.translate(cluster, "clusters[0]"))
        .hasMessage("clusters[0]: unknown field number 9999 of envoy.config.cluster.v3.Cluster"
            + " (newer than the Envoy API Bowline knows)");
  }

  @Test
  void everyAllowlistPatternNamesARealField() {
    assertThat(SupportedFields.BOOTSTRAP.patterns()).contains("node.id");
    assertThat(SupportedFields.CLUSTER.patterns()).contains("load_assignment");
    assertThatThrownBy(() -> FieldSet.of(Cluster.getDescriptor()).leaf("outlier_detecton"))
        .hasMessage("outlier_detecton: no field outlier_detecton in envoy.config.cluster.v3.Cluster");
    assertThatThrownBy(() -> FieldSet.of(Cluster.getDescriptor()).leaf("circuit_breakers.thresholds.priority"))
        .hasMessage("circuit_breakers.thresholds.priority: thresholds needs []");
    assertThatThrownBy(() -> FieldSet.of(Cluster.getDescriptor()).leaf("transport_socket.typed_config"))
        .hasMessage("transport_socket.typed_config is an Any: declare it with any()");
  }
}
