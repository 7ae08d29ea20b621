package dev.bowline.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Active health checks over real sockets: HTTP/1.1 against JDK HTTP servers, and TCP (connect
 * only, and with payloads) against a real TCP server. The gRPC check has its own test, against
 * grpc-java's health service.
 */
class ActiveHealthCheckEndToEndTest {

  private static String endpoints(int... ports) {
    StringBuilder out = new StringBuilder();
    for (int port : ports) {
      out.append("      - endpoint: { address: { socket_address: { address: 127.0.0.1,"
          + " port_value: ").append(port).append(" } } }\n");
    }
    return out.toString();
  }

  private static String cluster(String healthCheck, int... ports) {
    return """
        - name: backend
          connect_timeout: 1s
          lb_policy: ROUND_ROBIN
          health_checks:
          - timeout: 1s
            interval: 0.1s
            no_traffic_interval: 0.1s
        %s
          load_assignment:
            cluster_name: backend
            endpoints:
            - lb_endpoints:
        %s""".formatted(healthCheck.indent(4).stripTrailing(), endpoints(ports));
  }

  @Test
  void anHttpCheckFailingOnOneHostTakesItOutOfTrafficUntilItPassesAgain() throws Exception {
    try (ScriptedHttpUpstream a = new ScriptedHttpUpstream("a");
        ScriptedHttpUpstream b = new ScriptedHttpUpstream("b");
        ScriptedHttpUpstream sick = new ScriptedHttpUpstream("sick");
        HealthTestProxy proxy = new HealthTestProxy(cluster("""
            unhealthy_threshold: 2
            healthy_threshold: 2
            http_health_check: { path: /healthz }
            """, a.port(), b.port(), sick.port()))) {
      // applying waited for the first checks: every host is healthy at once
      assertThat(proxy.metric("envoy_cluster_membership_healthy")).isEqualTo(3);
      assertThat(proxy.flags(sick.port())).isEqualTo("healthy");
      assertThat(sick.seenChecks.get(0))
          .isEqualTo(new ScriptedHttpUpstream.Check("backend", "Envoy/HC", "GET"));

      sick.healthStatus = 503; // not expected, not retriable: unhealthy at the first such answer
      await().atMost(Duration.ofSeconds(30))
          .until(() -> proxy.metric("envoy_cluster_membership_healthy") == 2);
      assertThat(proxy.flags(sick.port())).isEqualTo("/failed_active_hc");
      assertThat(proxy.metric("envoy_cluster_health_check_healthy")).isEqualTo(2);

      int seen = sick.traffic.get();
      assertThat(proxy.send(20)).isEqualTo(20);
      assertThat(sick.traffic.get()).isEqualTo(seen);
      assertThat(a.traffic.get() + b.traffic.get()).isEqualTo(20);

      sick.healthStatus = 200; // two passes in a row bring it back
      await().atMost(Duration.ofSeconds(30))
          .until(() -> proxy.metric("envoy_cluster_membership_healthy") == 3);
      assertThat(proxy.send(9)).isEqualTo(9);
      assertThat(sick.traffic.get()).isGreaterThan(seen);
      assertThat(proxy.metric("envoy_cluster_health_check_failure")).isGreaterThan(0);
    }
  }

  @Test
  void aHostThatStopsListeningFailsATcpConnectCheckAndComesBack() throws Exception {
    try (ScriptedHttpUpstream web = new ScriptedHttpUpstream("web");
        PingResponder tcp = new PingResponder()) {
      // the TCP server stands for a host whose port the check connects to; it takes no HTTP, so
      // the cluster's traffic goes to web while tcp is healthy only in the sense of the check
      try (HealthTestProxy proxy = new HealthTestProxy(cluster("""
          unhealthy_threshold: 2
          healthy_threshold: 1
          tcp_health_check: {}
          """, web.port(), tcp.port()))) {
        await().atMost(Duration.ofSeconds(30))
            .until(() -> proxy.metric("envoy_cluster_membership_healthy") == 2 && tcp.connections.get() >= 2);

        tcp.stop(); // refused: a network failure, twice in a row makes it unhealthy
        await().atMost(Duration.ofSeconds(30))
            .until(() -> proxy.metric("envoy_cluster_membership_healthy") == 1);
        assertThat(proxy.flags(tcp.port())).isEqualTo("/failed_active_hc");
        assertThat(proxy.send(10)).isEqualTo(10);
        assertThat(proxy.metric("envoy_cluster_health_check_network_failure"))
            .isGreaterThanOrEqualTo(2);

        tcp.restart();
        await().atMost(Duration.ofSeconds(30))
            .until(() -> proxy.metric("envoy_cluster_membership_healthy") == 2);
        assertThat(proxy.flags(tcp.port())).isEqualTo("healthy");
      }
    }
  }

  @Test
  void aTcpCheckWithPayloadsPassesOnTheExpectedAnswerAndTimesOutOnAnother() throws Exception {
    try (ScriptedHttpUpstream web = new ScriptedHttpUpstream("web");
        PingResponder tcp = new PingResponder();
        HealthTestProxy proxy = new HealthTestProxy(cluster("""
            unhealthy_threshold: 1
            healthy_threshold: 1
            tcp_health_check:
              send: { text: "50494e47" }
              receive: [{ text: "504f" }, { binary: Tkc= }]
            """, web.port(), tcp.port()).replace("timeout: 1s", "timeout: 0.3s"))) {
      assertThat(proxy.flags(tcp.port())).isEqualTo("healthy");

      tcp.reply = "NOPE"; // never matches: the check times out
      await().atMost(Duration.ofSeconds(30))
          .until(() -> proxy.flags(tcp.port()).equals("/failed_active_hc/active_hc_timeout"));

      tcp.reply = "xPOxNGx"; // both payloads, in order, not adjacent
      await().atMost(Duration.ofSeconds(30))
          .until(() -> proxy.flags(tcp.port()).equals("healthy"));
      // the connection is kept between checks (reuse_connection defaults to true); the timeout
      // closed one
      assertThat(tcp.connections.get()).isGreaterThanOrEqualTo(2);
    }
  }
}
