package dev.bowline.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The requests one type's state puts on the stream: subscribe, ACK, NACK, resubscribe. */
class TypeSubscriptionTest {

  private static final Node NODE = Node.newBuilder().setId("proxy-1").build();

  private final TypeSubscription eds =
      new TypeSubscription(XdsResourceType.ENDPOINT,
          new ExponentialBackoff(Duration.ofMillis(100), Duration.ofSeconds(1), b -> b - 1));

  private static DiscoveryResponse response(String version, String nonce) {
    return DiscoveryResponse.newBuilder().setVersionInfo(version).setNonce(nonce)
        .setTypeUrl(XdsResourceType.ENDPOINT.typeUrl()).build();
  }

  @Test
  void theFirstRequestNamesEveryResourceWithTheNode() {
    eds.subscribe(Set.of("b", "a"));

    DiscoveryRequest first = eds.request(NODE);

    assertThat(first.getNode()).isEqualTo(NODE);
    assertThat(first.getTypeUrl())
        .isEqualTo("type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment");
    assertThat(first.getResourceNamesList()).containsExactly("a", "b");
    assertThat(first.getVersionInfo()).isEmpty();
    assertThat(first.getResponseNonce()).isEmpty();
    assertThat(first.hasErrorDetail()).isFalse();
  }

  @Test
  void anAckCarriesTheResponsesVersionAndNonce() {
    eds.subscribe(Set.of("a"));
    DiscoveryResponse v1 = response("v1", "7");
    eds.received(v1);
    eds.accepted(v1);

    DiscoveryRequest ack = eds.request(NODE);

    assertThat(ack.getVersionInfo()).isEqualTo("v1");
    assertThat(ack.getResponseNonce()).isEqualTo("7");
    assertThat(ack.hasErrorDetail()).isFalse();
    assertThat(ack.getNode()).isEqualTo(NODE);
  }

  @Test
  void aNackCarriesTheLastAckedVersionTheNewNonceAndTheError() {
    eds.subscribe(Set.of("a"));
    DiscoveryResponse v1 = response("v1", "1");
    eds.received(v1);
    eds.accepted(v1);
    DiscoveryResponse v2 = response("v2", "2");
    eds.received(v2);

    Duration pause = eds.rejected(v2, "endpoints[\"a\"]: broken");
    DiscoveryRequest nack = eds.request(NODE);

    assertThat(pause).isZero();
    assertThat(nack.getVersionInfo()).isEqualTo("v1");
    assertThat(nack.getResponseNonce()).isEqualTo("2");
    assertThat(nack.getErrorDetail().getCode()).isEqualTo(3); // INVALID_ARGUMENT
    assertThat(nack.getErrorDetail().getMessage()).isEqualTo("endpoints[\"a\"]: broken");
    assertThat(eds.status().ackedVersion()).isEqualTo("v1");
    assertThat(eds.status().lastRejection()).contains("endpoints[\"a\"]: broken");
  }

  @Test
  void theSameResponseRejectedAgainIsNackedAfterAGrowingPause() {
    DiscoveryResponse v2 = response("v2", "2");

    assertThat(eds.rejected(v2, "e")).isZero();
    assertThat(eds.rejected(response("v2", "3"), "e")).isEqualTo(Duration.ofMillis(100));
    assertThat(eds.rejected(response("v2", "4"), "e")).isEqualTo(Duration.ofMillis(200));
    assertThat(eds.rejected(response("v3", "5"), "e")).isZero();
  }

  @Test
  void anAcceptedResponseClearsTheErrorAndANewStreamTheNonce() {
    eds.subscribe(Set.of("a"));
    DiscoveryResponse v2 = response("v2", "2");
    eds.received(v2);
    eds.rejected(v2, "e");
    DiscoveryResponse v3 = response("v3", "3");
    eds.received(v3);
    eds.accepted(v3);

    assertThat(eds.status().lastRejection()).isEmpty();
    assertThat(eds.request(NODE).hasErrorDetail()).isFalse();

    eds.streamStarted();
    DiscoveryRequest resubscribe = eds.request(NODE);

    assertThat(resubscribe.getVersionInfo()).isEqualTo("v3");
    assertThat(resubscribe.getResponseNonce()).isEmpty();
    assertThat(resubscribe.getResourceNamesList()).containsExactly("a");
  }

  @Test
  void aNamedTypeAsksOnlyOnceItHasNamesOrHasAskedOnTheStream() {
    assertThat(eds.wantsRequest()).isFalse();
    eds.subscribe(Set.of("a"));
    assertThat(eds.wantsRequest()).isTrue();
    eds.request(NODE);
    eds.subscribe(Set.of());
    assertThat(eds.wantsRequest()).isTrue(); // to tell the server the names are gone
    eds.streamStarted();
    assertThat(eds.wantsRequest()).isFalse();
    assertThat(new TypeSubscription(XdsResourceType.CLUSTER,
        new ExponentialBackoff(Duration.ofMillis(1), Duration.ofMillis(1), b -> 0))
        .wantsRequest()).isTrue();
  }
}
