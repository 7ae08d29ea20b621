package dev.bowline.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Locality failover over real sockets, configured as Istio configures it (priorities in the load
 * assignment, panic mode off): traffic stays on priority 0 while it is healthy, goes to priority
 * 1 when all of priority 0 fails its health checks, spills partly when half of it is back, and
 * returns.
 */
class PriorityFailoverEndToEndTest {

  @Test
  void trafficFailsOverToPriorityOneAndComesBack() throws Exception {
    try (ScriptedHttpUpstream near1 = new ScriptedHttpUpstream("near1");
        ScriptedHttpUpstream near2 = new ScriptedHttpUpstream("near2");
        ScriptedHttpUpstream far = new ScriptedHttpUpstream("far");
        HealthTestProxy proxy = new HealthTestProxy("""
            - name: backend
              connect_timeout: 1s
              common_lb_config: { healthy_panic_threshold: { value: 0 } }
              health_checks:
              - timeout: 1s
                interval: 0.1s
                no_traffic_interval: 0.1s
                unhealthy_threshold: 1
                healthy_threshold: 1
                http_health_check: { path: /healthz }
              load_assignment:
                cluster_name: backend
                endpoints:
                - locality: { region: eu-west1, zone: eu-west1-b }
                  lb_endpoints:
                  - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: %d } } }
                  - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: %d } } }
                - locality: { region: us-east1, zone: us-east1-a }
                  priority: 1
                  lb_endpoints:
                  - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: %d } } }
            """.formatted(near1.port(), near2.port(), far.port()))) {
      assertThat(proxy.send(20)).isEqualTo(20);
      assertThat(far.traffic.get()).isZero();
      assertThat(near1.traffic.get() + near2.traffic.get()).isEqualTo(20);
      assertThat(proxy.clusters()).contains("backend::127.0.0.1:" + far.port() + "::priority::1");

      near1.healthStatus = 503;
      near2.healthStatus = 503;
      await().atMost(Duration.ofSeconds(30))
          .until(() -> proxy.metric("envoy_cluster_membership_healthy") == 1);
      int nearBefore = near1.traffic.get() + near2.traffic.get();
      assertThat(proxy.send(20)).isEqualTo(20);
      assertThat(far.traffic.get()).isEqualTo(20);
      assertThat(near1.traffic.get() + near2.traffic.get()).isEqualTo(nearBefore);

      // half of priority 0 back: its health is 50% x 1.4 = 70, so 30% spills to priority 1
      near1.healthStatus = 200;
      await().atMost(Duration.ofSeconds(30))
          .until(() -> proxy.metric("envoy_cluster_membership_healthy") == 2);
      int farBefore = far.traffic.get();
      int near1Before = near1.traffic.get();
      int near2Before = near2.traffic.get();
      assertThat(proxy.send(100)).isEqualTo(100);
      assertThat(far.traffic.get()).isGreaterThan(farBefore);
      assertThat(near1.traffic.get()).isGreaterThan(near1Before);
      assertThat(near2.traffic.get()).isEqualTo(near2Before);

      near2.healthStatus = 200;
      await().atMost(Duration.ofSeconds(30))
          .until(() -> proxy.metric("envoy_cluster_membership_healthy") == 3);
      int farAfter = far.traffic.get();
      assertThat(proxy.send(20)).isEqualTo(20);
      assertThat(far.traffic.get()).isEqualTo(farAfter);
      assertThat(proxy.metric("envoy_cluster_lb_healthy_panic")).isZero();
    }
  }
}
