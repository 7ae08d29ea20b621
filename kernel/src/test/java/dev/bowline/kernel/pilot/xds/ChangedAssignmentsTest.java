package dev.bowline.kernel.pilot.xds;

import static dev.bowline.kernel.pilot.xds.TestEnvoyResources.endpoints;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangedAssignmentsTest {

  private final AssignmentDigests digests = new AssignmentDigests(4);
  private final ChangedAssignments filter = new ChangedAssignments(digests);

  private static XdsRequest request(String node, String heldVersion, String... names) {
    return XdsRequest.create(
        DiscoveryRequest.newBuilder()
            .setNode(Node.newBuilder().setId(node))
            .setTypeUrl(XdsResourceType.ENDPOINTS.typeUrl())
            .setVersionInfo(heldVersion)
            .addAllResourceNames(List.of(names))
            .build());
  }

  private static List<String> names(Response r) {
    return r.resources().stream().map(XdsResourceType::nameOf).toList();
  }

  private final ClusterLoadAssignment a1 = endpoints("a", 1);
  private final ClusterLoadAssignment b1 = endpoints("b", 1);
  private final ClusterLoadAssignment b2 = endpoints("b", 2);
  private final ClusterLoadAssignment c1 = endpoints("c", 1);

  @Test
  void onlyChangedOrNewlyRequestedAssignmentsGoToAClientHoldingTheVersionLastSent() {
    digests.record("v1", Map.of("a", "da1", "b", "db1"));
    digests.record("v2", Map.of("a", "da1", "b", "db2", "c", "dc1"));
    Response first = filter.trim(Response.create(request("n", "", "a", "b"), List.of(a1, b1), "v1"));
    assertThat(names(first)).containsExactly("a", "b");

    Response second =
        filter.trim(
            Response.create(request("n", "v1", "a", "b", "c"), List.of(a1, b2, c1), "v2"));
    assertThat(names(second)).containsExactly("b", "c");
    assertThat(second.version()).isEqualTo("v2");
  }

  @Test
  void everythingGoesOutWhenTheClientHoldsAnotherVersionThanTheLastSent() {
    digests.record("v1", Map.of("a", "da1", "b", "db1"));
    digests.record("v2", Map.of("a", "da1", "b", "db2"));
    filter.trim(Response.create(request("n", "", "a", "b"), List.of(a1, b1), "v1"));
    filter.trim(Response.create(request("n", "v1", "a", "b"), List.of(a1, b2), "v2"));
    // The client rejected v2 and still holds v1.
    Response again =
        filter.trim(Response.create(request("n", "v1", "a", "b"), List.of(a1, b2), "v2"));
    assertThat(names(again)).containsExactly("a", "b");
  }

  @Test
  void everythingGoesOutWhenAVersionIsNoLongerKnown() {
    digests.record("v1", Map.of("a", "da1"));
    filter.trim(Response.create(request("n", "", "a"), List.of(a1), "v1"));
    for (int i = 0; i < 4; i++) {
      digests.record("other" + i, Map.of());
    }
    digests.record("v2", Map.of("a", "da1"));
    Response next = filter.trim(Response.create(request("n", "v1", "a"), List.of(a1), "v2"));
    assertThat(names(next)).containsExactly("a");
  }

  @Test
  void aForgottenNodeStartsOver() {
    digests.record("v1", Map.of("a", "da1"));
    filter.trim(Response.create(request("n", "", "a"), List.of(a1), "v1"));
    filter.forget("n");
    Response next = filter.trim(Response.create(request("n", "v1", "a"), List.of(a1), "v1"));
    assertThat(names(next)).containsExactly("a");
  }
}
