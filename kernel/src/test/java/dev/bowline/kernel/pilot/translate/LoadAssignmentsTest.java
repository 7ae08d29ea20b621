package dev.bowline.kernel.pilot.translate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.config.EndpointTranslator;
import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.model.HealthStatus;
import dev.bowline.spi.model.Locality;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadAssignmentsTest {

  @Test
  void keepsIpEndpointsWithTheSubsetLabelsAndMapsHealth() throws Exception {
    List<Endpoint> endpoints =
        List.of(
            new Endpoint("fd00::1", 80, Map.of("v", "1"), Locality.parse("r/z"), 2, HealthStatus.UNHEALTHY),
            new Endpoint("db.example.com", 80, Map.of("v", "1"), Locality.UNKNOWN, 1, HealthStatus.HEALTHY),
            new Endpoint("10.0.0.7", 80, Map.of("v", "1"), Locality.UNKNOWN, 1, HealthStatus.UNKNOWN),
            new Endpoint("10.0.0.8", 80, Map.of("v", "2"), Locality.UNKNOWN, 1, HealthStatus.HEALTHY));
    ClusterLoadAssignment cla = LoadAssignments.of("c", endpoints, Map.of("v", "1"));
    List<Endpoint> read = EndpointTranslator.translate(cla, "c");
    assertThat(read).extracting(Endpoint::address, Endpoint::health)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("10.0.0.7", HealthStatus.UNKNOWN),
            org.assertj.core.groups.Tuple.tuple("fd00::1", HealthStatus.UNHEALTHY));
    assertThat(cla.getEndpointsList()).allSatisfy(l -> assertThat(l.getLoadBalancingWeight().getValue()).isPositive());
    assertThat(cla.getEndpoints(1).getLoadBalancingWeight().getValue()).isEqualTo(2);
  }

  @Test
  void recognisesIpLiteralsWithoutDns() {
    assertThat(LoadAssignments.isIpLiteral("192.168.1.1")).isTrue();
    assertThat(LoadAssignments.isIpLiteral("::1")).isTrue();
    assertThat(LoadAssignments.isIpLiteral("256.1.1.1")).isFalse();
    assertThat(LoadAssignments.isIpLiteral("localhost")).isFalse();
    assertThat(LoadAssignments.isIpLiteral("cafe")).isFalse();
  }
}
