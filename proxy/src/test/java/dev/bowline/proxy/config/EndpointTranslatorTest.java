package dev.bowline.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.model.HealthStatus;
import dev.bowline.spi.model.Locality;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointTranslatorTest {

  @Test
  void translatesAnEdsAssignment() throws Exception {
    ClusterLoadAssignment assignment = TestProtos.yaml("""
        cluster_name: outbound|8080||api.default.svc.cluster.local
        endpoints:
        - locality: { region: us-east1, zone: us-east1-a }
          load_balancing_weight: 1
          lb_endpoints:
          - endpoint: { address: { socket_address: { address: 10.4.0.7, port_value: 8080 } } }
            health_status: TIMEOUT
            load_balancing_weight: 5
        """, ClusterLoadAssignment.newBuilder());

    assertThat(EndpointTranslator.translate(assignment, "")).containsExactly(
        new Endpoint("10.4.0.7", 8080, Map.of(), new Locality("us-east1", "us-east1-a", ""), 5,
            HealthStatus.UNHEALTHY));
  }

  @Test
  void reportsEveryProblemOfAnAssignment() {
    ClusterLoadAssignment assignment = TestProtos.yaml("""
        cluster_name: c
        policy: { overprovisioning_factor: 140 }
        endpoints:
        - load_balancing_weight: 0
          lb_endpoints:
          - endpoint: { address: { socket_address: { address: 10.4.0.7, named_port: http } } }
          - endpoint: { address: { pipe: { path: /tmp/sock } } }
          - endpoint: {}
        """, ClusterLoadAssignment.newBuilder());

    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> EndpointTranslator.translate(assignment, "eds 'c'"));

    String hosts = "eds 'c'.endpoints[0].lb_endpoints";
    assertThat(e.problems()).containsExactlyInAnyOrder(
        "eds 'c'.policy: not supported by Bowline yet",
        hosts + "[0].endpoint.address.socket_address.named_port: not supported by Bowline yet",
        hosts + "[1].endpoint.address.pipe: not supported by Bowline yet",
        "eds 'c'.endpoints[0].load_balancing_weight: must be from 1 to 2147483647, not 0",
        hosts + "[2].endpoint.address: required");
  }
}
