package dev.bowline.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

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
  void transportSocketLabelsComeFromTheEndpointsMetadata() throws Exception {
    ClusterLoadAssignment assignment = TestProtos.yaml("""
        cluster_name: outbound|8080||api.default.svc.cluster.local
        endpoints:
        - lb_endpoints:
          - endpoint: { address: { socket_address: { address: 10.4.0.7, port_value: 15006 } } }
            metadata: { filter_metadata: { envoy.transport_socket_match: { tlsMode: istio } } }
          - endpoint: { address: { socket_address: { address: 10.4.0.8, port_value: 8080 } } }
        """, ClusterLoadAssignment.newBuilder());

    assertThat(EndpointTranslator.translate(assignment, "")).extracting(Endpoint::labels)
        .containsExactly(Map.of("tlsMode", "istio"), Map.of());

    ClusterLoadAssignment foreign = TestProtos.yaml("""
        cluster_name: c
        endpoints:
        - lb_endpoints:
          - endpoint: { address: { socket_address: { address: 10.4.0.7, port_value: 15006 } } }
            metadata:
              filter_metadata:
                istio: { workload: reviews-v1 }
                envoy.transport_socket_match: { tlsMode: 1 }
        """, ClusterLoadAssignment.newBuilder());
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> EndpointTranslator.translate(foreign, "cla"));
    assertThat(e.problems()).containsExactlyInAnyOrder(
        "cla.endpoints[0].lb_endpoints[0].metadata.filter_metadata[\"istio\"]: not supported by Bowline yet",
        "cla.endpoints[0].lb_endpoints[0].metadata.filter_metadata[\"envoy.transport_socket_match\"]"
            + ".tlsMode: must be a string");
  }

  @Test
  void keepsEachEndpointsPriorityAndThePolicy() throws Exception {
    // What Istio writes for locality failover: the proxy's own zone at priority 0, the rest of its
    // region at 1, other regions at 2.
    ClusterLoadAssignment assignment = TestProtos.yaml("""
        cluster_name: outbound|8080||api.default.svc.cluster.local
        endpoints:
        - locality: { region: eu-west1, zone: eu-west1-b }
          lb_endpoints:
          - endpoint: { address: { socket_address: { address: 10.0.0.1, port_value: 8080 } } }
        - locality: { region: eu-west1, zone: eu-west1-c }
          priority: 1
          lb_endpoints:
          - endpoint: { address: { socket_address: { address: 10.0.1.1, port_value: 8080 } } }
        - locality: { region: us-east1, zone: us-east1-a }
          priority: 2
          lb_endpoints:
          - endpoint: { address: { socket_address: { address: 10.1.0.1, port_value: 8080 } } }
        policy: { overprovisioning_factor: 200, weighted_priority_health: true }
        """, ClusterLoadAssignment.newBuilder());

    LoadAssignment translated = EndpointTranslator.translateAssignment(assignment, "");

    assertThat(translated.endpoints()).extracting(e -> e.endpoint().address(), e -> e.priority())
        .containsExactly(tuple("10.0.0.1", 0), tuple("10.0.1.1", 1), tuple("10.1.0.1", 2));
    assertThat(translated.overprovisioningFactor()).isEqualTo(200);
    assertThat(translated.weightedPriorityHealth()).isTrue();
    assertThat(EndpointTranslator.translateAssignment(
            TestProtos.yaml("cluster_name: c", ClusterLoadAssignment.newBuilder()), "")
        .overprovisioningFactor()).isEqualTo(140);
  }

  @Test
  void refusesAnOverprovisioningFactorOfZero() {
    ClusterLoadAssignment assignment = TestProtos.yaml(
        "{cluster_name: c, policy: {overprovisioning_factor: 0}}",
        ClusterLoadAssignment.newBuilder());

    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> EndpointTranslator.translate(assignment, "eds 'c'"));

    assertThat(e.problems()).containsExactly(
        "eds 'c'.policy.overprovisioning_factor: must be from 1 to 2147483647, not 0");
  }

  @Test
  void reportsEveryProblemOfAnAssignment() {
    ClusterLoadAssignment assignment = TestProtos.yaml("""
        cluster_name: c
        policy: { overprovisioning_factor: 140, drop_overloads: [{ category: throttle }] }
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
        "eds 'c'.policy.drop_overloads: not supported by Bowline yet",
        hosts + "[0].endpoint.address.socket_address.named_port: not supported by Bowline yet",
        hosts + "[1].endpoint.address.pipe: not supported by Bowline yet",
        "eds 'c'.endpoints[0].load_balancing_weight: must be from 1 to 2147483647, not 0",
        hosts + "[2].endpoint.address: required");
  }
}
