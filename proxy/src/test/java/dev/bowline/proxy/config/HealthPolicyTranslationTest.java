package dev.bowline.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import dev.bowline.proxy.config.ClusterConfig.HealthPolicy;
import dev.bowline.proxy.config.HealthCheckConfig.GrpcProbe;
import dev.bowline.proxy.config.HealthCheckConfig.HttpProbe;
import dev.bowline.proxy.config.HealthCheckConfig.StatusRange;
import dev.bowline.proxy.config.HealthCheckConfig.TcpProbe;
import dev.bowline.proxy.config.OutlierDetectionConfig.FailurePercentage;
import dev.bowline.proxy.config.OutlierDetectionConfig.SuccessRate;
import dev.bowline.proxy.config.OutlierDetectionConfig.Trigger;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code outlier_detection}, {@code health_checks} and {@code common_lb_config
 * .healthy_panic_threshold} as {@link ClusterTranslator} reads them: Envoy's defaults, the values
 * Istio writes, and every refusal with its path.
 */
class HealthPolicyTranslationTest {

  private static final String H2 = """
      typed_extension_protocol_options:
        envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
          "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
          explicit_http_config: { http2_protocol_options: {} }
      """;

  private static ClusterConfig translate(String yaml) throws ConfigException {
    Cluster cluster = TestProtos.yaml("name: c\n" + yaml, Cluster.newBuilder());
    return ClusterTranslator.translate(cluster, "clusters[0]");
  }

  private static List<String> problems(String yaml) {
    Cluster cluster = TestProtos.yaml("name: c\n" + yaml, Cluster.newBuilder());
    ConfigException e = catchThrowableOfType(
        ConfigException.class, () -> ClusterTranslator.translate(cluster, "clusters[0]"));
    assertThat(e).as("translating %s", yaml).isNotNull();
    return e.problems();
  }

  @Test
  void aClusterWithoutAnyHasNoDetectionNoChecksAndTheDefaultPanicThreshold() throws Exception {
    assertThat(translate("").health()).isEqualTo(HealthPolicy.NONE);
    assertThat(HealthPolicy.NONE.healthyPanicThreshold()).isEqualTo(50);
  }

  @Test
  void anEmptyOutlierDetectionHasEnvoysDefaults() throws Exception {
    OutlierDetectionConfig od = translate("outlier_detection: {}").health().outlierDetection()
        .orElseThrow();

    assertThat(od).isEqualTo(OutlierDetectionConfig.DEFAULTS);
    assertThat(od.consecutive5xx()).isEqualTo(new Trigger(5, 100));
    assertThat(od.consecutiveGatewayFailure()).isEqualTo(new Trigger(5, 0));
    assertThat(od.interval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(od.baseEjectionTime()).isEqualTo(Duration.ofSeconds(30));
    assertThat(od.maxEjectionTime()).isEqualTo(Duration.ofSeconds(300));
    assertThat(od.maxEjectionPercent()).isEqualTo(10);
    assertThat(od.splitExternalLocalOriginErrors()).isFalse();
    assertThat(od.successfulActiveHealthCheckUnejectHost()).isTrue();
  }

  @Test
  void readsTheOutlierDetectionIstioWrites() throws Exception {
    // What Istio makes of outlierDetection {consecutive5xxErrors: 3, consecutiveGatewayErrors: 2,
    // interval: 5s, baseEjectionTime: 15s, maxEjectionPercent: 100, minHealthPercent: 0}.
    ClusterConfig c = translate("""
        outlier_detection:
          consecutive_5xx: 3
          enforcing_consecutive_5xx: 100
          consecutive_gateway_failure: 2
          enforcing_consecutive_gateway_failure: 100
          interval: 5s
          base_ejection_time: 15s
          max_ejection_percent: 100
          enforcing_success_rate: 0
          split_external_local_origin_errors: false
        common_lb_config:
          healthy_panic_threshold: { value: 0 }
        """);

    OutlierDetectionConfig od = c.health().outlierDetection().orElseThrow();
    assertThat(od.consecutive5xx()).isEqualTo(new Trigger(3, 100));
    assertThat(od.consecutiveGatewayFailure()).isEqualTo(new Trigger(2, 100));
    assertThat(od.interval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(od.baseEjectionTime()).isEqualTo(Duration.ofSeconds(15));
    assertThat(od.maxEjectionPercent()).isEqualTo(100);
    assertThat(od.successRate()).isEqualTo(new SuccessRate(5, 100, 1900, 0, 100));
    assertThat(c.health().healthyPanicThreshold()).isZero();
  }

  @Test
  void readsEveryOtherOutlierDetectionField() throws Exception {
    OutlierDetectionConfig od = translate("""
        outlier_detection:
          split_external_local_origin_errors: true
          consecutive_local_origin_failure: 2
          enforcing_consecutive_local_origin_failure: 50
          max_ejection_time: 60s
          max_ejection_time_jitter: 2s
          always_eject_one_host: true
          success_rate_minimum_hosts: 3
          success_rate_request_volume: 20
          success_rate_stdev_factor: 1000
          enforcing_local_origin_success_rate: 10
          failure_percentage_threshold: 50
          failure_percentage_minimum_hosts: 2
          failure_percentage_request_volume: 10
          enforcing_failure_percentage: 100
          enforcing_failure_percentage_local_origin: 20
          successful_active_health_check_uneject_host: false
        """).health().outlierDetection().orElseThrow();

    assertThat(od.splitExternalLocalOriginErrors()).isTrue();
    assertThat(od.consecutiveLocalOriginFailure()).isEqualTo(new Trigger(2, 50));
    assertThat(od.maxEjectionTime()).isEqualTo(Duration.ofSeconds(60));
    assertThat(od.maxEjectionTimeJitter()).isEqualTo(Duration.ofSeconds(2));
    assertThat(od.alwaysEjectOneHost()).isTrue();
    assertThat(od.successRate()).isEqualTo(new SuccessRate(3, 20, 1000, 100, 10));
    assertThat(od.failurePercentage()).isEqualTo(new FailurePercentage(50, 2, 10, 100, 20));
    assertThat(od.successfulActiveHealthCheckUnejectHost()).isFalse();
  }

  @Test
  void anAbsentMaxEjectionTimeIsTheBaseWhenTheBaseIsLonger() throws Exception {
    OutlierDetectionConfig od = translate("outlier_detection: {base_ejection_time: 400s}")
        .health().outlierDetection().orElseThrow();

    assertThat(od.maxEjectionTime()).isEqualTo(Duration.ofSeconds(400));
  }

  @Test
  void refusesOutOfRangeOutlierDetectionValuesNamingEachField() {
    assertThat(problems("""
        outlier_detection:
          max_ejection_percent: 101
          enforcing_consecutive_5xx: 200
          interval: 0s
          base_ejection_time: 45s
          max_ejection_time: 30s
          failure_percentage_threshold: 150
        common_lb_config:
          healthy_panic_threshold: { value: 120 }
        """)).containsExactlyInAnyOrder(
            "clusters[0].outlier_detection.interval: must be greater than 0s",
            "clusters[0].outlier_detection.max_ejection_time: 30s is shorter than"
                + " base_ejection_time 45s",
            "clusters[0].outlier_detection.max_ejection_percent: must be from 0 to 100, not 101",
            "clusters[0].outlier_detection.enforcing_consecutive_5xx: must be from 0 to 100, not"
                + " 200",
            "clusters[0].outlier_detection.failure_percentage_threshold: must be from 0 to 100,"
                + " not 150",
            "clusters[0].common_lb_config.healthy_panic_threshold.value: must be a percentage"
                + " from 0 to 100, not 120.0");
  }

  @Test
  void roundsThePanicThresholdAsEnvoyDoes() throws Exception {
    assertThat(translate("common_lb_config: {healthy_panic_threshold: {value: 33.6}}").health()
        .healthyPanicThreshold()).isEqualTo(34);
  }

  @Test
  void readsAnHttpHealthCheckWithEnvoysDefaults() throws Exception {
    HealthCheckConfig hc = translate("""
        health_checks:
        - timeout: 1s
          interval: 5s
          unhealthy_threshold: 3
          healthy_threshold: 2
          http_health_check: { path: /healthz }
        """).health().healthCheck().orElseThrow();

    assertThat(hc.timeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(hc.interval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(hc.unhealthyThreshold()).isEqualTo(3);
    assertThat(hc.healthyThreshold()).isEqualTo(2);
    assertThat(hc.reuseConnection()).isTrue();
    assertThat(hc.initialJitter()).isZero();
    assertThat(hc.noTrafficInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(hc.noTrafficHealthyInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(hc.unhealthyInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(hc.unhealthyEdgeInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(hc.healthyEdgeInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(hc.probe()).isEqualTo(
        new HttpProbe("/healthz", "", "GET", StatusRange.OK_ONLY, List.of(), false));
    HttpProbe probe = (HttpProbe) hc.probe();
    assertThat(probe.expects(200)).isTrue();
    assertThat(probe.expects(204)).isFalse();
  }

  @Test
  void readsEveryHealthCheckField() throws Exception {
    HealthCheckConfig hc = translate("""
        health_checks:
        - timeout: 0.5s
          interval: 2s
          initial_jitter: 1s
          interval_jitter: 0.1s
          interval_jitter_percent: 10
          unhealthy_threshold: 2
          healthy_threshold: 1
          reuse_connection: false
          no_traffic_interval: 30s
          no_traffic_healthy_interval: 90s
          unhealthy_interval: 4s
          unhealthy_edge_interval: 1s
          healthy_edge_interval: 3s
          http_health_check:
            path: /ready
            host: api.internal
            method: HEAD
            expected_statuses: [{start: 200, end: 300}]
            retriable_statuses: [{start: 503, end: 504}]
            codec_client_type: HTTP2
        """).health().healthCheck().orElseThrow();

    assertThat(hc).isEqualTo(new HealthCheckConfig(
        Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(1),
        Duration.ofMillis(100), 10, 2, 1, false, Duration.ofSeconds(30), Duration.ofSeconds(90),
        Duration.ofSeconds(4), Duration.ofSeconds(1), Duration.ofSeconds(3),
        new HttpProbe("/ready", "api.internal", "HEAD", List.of(new StatusRange(200, 300)),
            List.of(new StatusRange(503, 504)), true)));
    HttpProbe probe = (HttpProbe) hc.probe();
    assertThat(probe.expects(204)).isTrue();
    assertThat(probe.retriable(503)).isTrue();
    assertThat(probe.retriable(500)).isFalse();
  }

  @Test
  void readsTcpHealthChecksWithAndWithoutPayloads() throws Exception {
    String base = "health_checks:\n- {timeout: 1s, interval: 1s, unhealthy_threshold: 1,"
        + " healthy_threshold: 1, ";
    assertThat(translate(base + "tcp_health_check: {}}").health().healthCheck().orElseThrow()
        .probe()).isEqualTo(new TcpProbe(ByteString.EMPTY, List.of()));
    TcpProbe probe = (TcpProbe) translate(base + "tcp_health_check: {send: {text: '50494e47'},"
        + " receive: [{text: '504f'}, {binary: 'Tkc='}]}}").health().healthCheck().orElseThrow()
        .probe();
    assertThat(probe.send().toStringUtf8()).isEqualTo("PING");
    assertThat(probe.receive()).containsExactly(
        ByteString.copyFromUtf8("PO"), ByteString.copyFromUtf8("NG"));
    assertThat(probe.connectOnly()).isFalse();
  }

  @Test
  void readsAGrpcHealthCheckOfAnHttp2Cluster() throws Exception {
    HealthCheckConfig hc = translate(H2 + """
        health_checks:
        - timeout: 1s
          interval: 1s
          unhealthy_threshold: 1
          healthy_threshold: 1
          grpc_health_check: { service_name: echo.Echo, authority: echo.internal }
        """).health().healthCheck().orElseThrow();

    assertThat(hc.probe()).isEqualTo(new GrpcProbe("echo.Echo", "echo.internal"));
  }

  @Test
  void refusesBadHealthChecksNamingEachField() {
    assertThat(problems("""
        health_checks:
        - interval: 0s
          http_health_check:
            path: ""
            host: "a\\nb"
            expected_statuses: [{start: 99, end: 200}, {start: 300, end: 300}]
            codec_client_type: HTTP3
        """)).containsExactlyInAnyOrder(
            "clusters[0].health_checks[0].timeout: required",
            "clusters[0].health_checks[0].interval: must be greater than 0s",
            "clusters[0].health_checks[0].unhealthy_threshold: required",
            "clusters[0].health_checks[0].healthy_threshold: required",
            "clusters[0].health_checks[0].http_health_check.path: required",
            "clusters[0].health_checks[0].http_health_check.host: must be a valid header value"
                + " (no control characters or non-ASCII)",
            "clusters[0].health_checks[0].http_health_check.expected_statuses[0]: [99, 200) is"
                + " not a range of HTTP statuses: start must be at least 100, end at most 600,"
                + " and start below end",
            "clusters[0].health_checks[0].http_health_check.expected_statuses[1]: [300, 300) is"
                + " not a range of HTTP statuses: start must be at least 100, end at most 600,"
                + " and start below end",
            "clusters[0].health_checks[0].http_health_check.codec_client_type: HTTP3 is not"
                + " supported by Bowline (supported: HTTP1, HTTP2)");
  }

  @Test
  void refusesAGrpcCheckOnAnHttp1ClusterTwoChecksAndAMissingChecker() {
    String check = "{timeout: 1s, interval: 1s, unhealthy_threshold: 1, healthy_threshold: 1";
    assertThat(problems("health_checks:\n- " + check + ", grpc_health_check: {}}"))
        .singleElement().asString()
        .startsWith("clusters[0].health_checks[0].grpc_health_check: gRPC health checking needs"
            + " a cluster that speaks HTTP/2 upstream");
    assertThat(problems("health_checks:\n- " + check + ", tcp_health_check: {}}\n- " + check
        + ", tcp_health_check: {}}"))
        .containsExactly("clusters[0].health_checks[1]: a cluster takes at most one health check"
            + " (as Envoy)");
    assertThat(problems("health_checks:\n- " + check + "}")).containsExactly(
        "clusters[0].health_checks[0]: one of http_health_check, tcp_health_check or"
            + " grpc_health_check is required");
    assertThat(problems("health_checks:\n- " + check
        + ", tcp_health_check: {send: {text: 'zz'}}}")).containsExactly(
        "clusters[0].health_checks[0].tcp_health_check.send.text: 'zz' is not hex (Envoy's text"
            + " payload is hex-encoded, such as '000000FF')");
    assertThat(problems("health_checks:\n- " + check
        + ", http_health_check: {path: /, method: CONNECT}}")).containsExactly(
        "clusters[0].health_checks[0].http_health_check.method: CONNECT is not allowed for a"
            + " health check (as Envoy)");
  }

  @Test
  void refusesHealthCheckFieldsBowlineDoesNotSupport() {
    assertThat(problems("""
        health_checks:
        - timeout: 1s
          interval: 1s
          unhealthy_threshold: 1
          healthy_threshold: 1
          always_log_health_check_failures: true
          http_health_check:
            path: /
            request_headers_to_add: [{header: {key: a, value: b}}]
        """)).containsExactlyInAnyOrder(
            "clusters[0].health_checks[0].always_log_health_check_failures: not supported by"
                + " Bowline yet",
            "clusters[0].health_checks[0].http_health_check.request_headers_to_add: not"
                + " supported by Bowline yet");
  }

  @Test
  void theHealthPolicyIsPartOfTheClusterSoAChangeReplacesTheCluster() throws Exception {
    ClusterConfig a = translate("outlier_detection: {consecutive_5xx: 3}");
    ClusterConfig b = translate("outlier_detection: {consecutive_5xx: 4}");

    assertThat(a).isNotEqualTo(b);
    assertThat(a.withAssignment(LoadAssignment.EMPTY).health()).isEqualTo(a.health());
    assertThat(translate("").health().outlierDetection()).isEqualTo(Optional.empty());
  }
}
