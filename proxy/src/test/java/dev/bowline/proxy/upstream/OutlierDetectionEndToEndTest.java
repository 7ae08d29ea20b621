package dev.bowline.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bowline.proxy.upstream.outlier.HostMonitor;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Outlier detection over real sockets: three HTTP/1.1 upstreams behind a round-robin cluster
 * configured as Istio configures {@code outlierDetection} (5xx in a row, any share of hosts); one
 * misbehaves.
 */
class OutlierDetectionEndToEndTest {

  private ScriptedHttpUpstream a;
  private ScriptedHttpUpstream b;
  private ScriptedHttpUpstream bad;
  private HealthTestProxy proxy;

  @BeforeEach
  void start() throws Exception {
    a = new ScriptedHttpUpstream("a");
    b = new ScriptedHttpUpstream("b");
    bad = new ScriptedHttpUpstream("bad");
    proxy = new HealthTestProxy("""
        - name: backend
          connect_timeout: 1s
          lb_policy: ROUND_ROBIN
          outlier_detection:
            consecutive_5xx: 3
            interval: 0.1s
            base_ejection_time: 5s
            max_ejection_percent: 100
          load_assignment:
            cluster_name: backend
            endpoints:
            - lb_endpoints:
              - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: %d } } }
              - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: %d } } }
              - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: %d } } }
        """.formatted(a.port(), b.port(), bad.port()));
  }

  @AfterEach
  void stop() {
    proxy.close();
    a.close();
    b.close();
    bad.close();
  }

  private HostMonitor monitorOf(ScriptedHttpUpstream upstream) {
    return proxy.backend().hosts().stream()
        .filter(h -> h.endpoint().port() == upstream.port())
        .findFirst()
        .orElseThrow()
        .outlierMonitor();
  }

  @Test
  void anUpstreamAnswering503IsEjectedAfterConsecutive5xxAndReturnsAfterItsEjectionTime()
      throws Exception {
    bad.status = 503;

    // requests go round the three hosts; the bad one's third 503 ejects it
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      proxy.get("/");
      return proxy.metric("envoy_cluster_membership_healthy") == 2;
    });
    assertThat(proxy.metric("envoy_cluster_outlier_detection_ejections_active")).isEqualTo(1);
    assertThat(proxy.metric("envoy_cluster_outlier_detection_ejections_enforced_consecutive_5xx"))
        .isEqualTo(1);
    assertThat(proxy.metric("envoy_cluster_outlier_detection_ejections_enforced_total"))
        .isEqualTo(1);
    assertThat(proxy.flags(bad.port())).isEqualTo("/failed_outlier_check");
    assertThat(proxy.flags(a.port())).isEqualTo("healthy");

    int seenByBad = bad.traffic.get();
    assertThat(proxy.send(20)).isEqualTo(20);
    // still the same ejection (5 s long): none of the 20 requests reached the bad host
    assertThat(monitorOf(bad).isEjected()).isTrue();
    assertThat(monitorOf(bad).ejections()).isEqualTo(1);
    assertThat(bad.traffic.get()).isEqualTo(seenByBad);

    // it recovers; after its ejection time an interval tick brings it back
    bad.status = 200;
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      proxy.get("/");
      return bad.traffic.get() > seenByBad;
    });
    assertThat(proxy.metric("envoy_cluster_outlier_detection_ejections_active")).isZero();
    assertThat(proxy.flags(bad.port())).isEqualTo("healthy");
    assertThat(proxy.clusters())
        .contains("backend::127.0.0.1:" + bad.port() + "::success_rate::")
        .contains("backend::outlier::success_rate_average::");
  }

  @Test
  void aKilledUpstreamIsEjectedByItsConnectFailures() throws Exception {
    assertThat(proxy.send(6)).isEqualTo(6);
    bad.close(); // connections refused from now on: 503 UF, counted as 503s

    await().atMost(Duration.ofSeconds(30)).until(() -> {
      proxy.get("/");
      return proxy.metric("envoy_cluster_membership_healthy") == 2;
    });

    assertThat(proxy.send(20)).isEqualTo(20);
    assertThat(monitorOf(bad).isEjected()).isTrue();
    assertThat(proxy.metric("envoy_cluster_outlier_detection_ejections_enforced_consecutive_5xx"))
        .isEqualTo(1);
    assertThat(proxy.metric("envoy_cluster_upstream_cx_connect_fail")).isGreaterThanOrEqualTo(3);
    assertThat(proxy.flags(bad.port())).isEqualTo("/failed_outlier_check");
  }
}
