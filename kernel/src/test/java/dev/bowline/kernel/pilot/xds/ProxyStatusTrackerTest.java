package dev.bowline.kernel.pilot.xds;

import static dev.bowline.kernel.pilot.xds.XdsResourceType.CLUSTERS;
import static dev.bowline.kernel.pilot.xds.XdsResourceType.ENDPOINTS;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.kernel.pilot.xds.ProxyStatus.SyncState;
import dev.bowline.kernel.pilot.xds.ProxyStatusTracker.Answer;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProxyStatusTrackerTest {

  private final ProxyStatusTracker tracker = new ProxyStatusTracker();

  private static DiscoveryRequest request(String version, String nonce, String... names) {
    return DiscoveryRequest.newBuilder()
        .setVersionInfo(version)
        .setResponseNonce(nonce)
        .addAllResourceNames(List.of(names))
        .build();
  }

  private static DiscoveryResponse response(String version, String nonce) {
    return DiscoveryResponse.newBuilder().setVersionInfo(version).setNonce(nonce).build();
  }

  @Test
  void aRequestAnsweringAnOlderResponseIsStaleAndChangesNothing() {
    tracker.open(1, "n");
    DiscoveryRequest subscribe = request("", "", "a");
    assertThat(tracker.onRequest(1, ENDPOINTS, subscribe)).isEqualTo(Answer.SUBSCRIBE);
    tracker.onResponse(1, ENDPOINTS, subscribe, response("1-x", "0"));
    tracker.onResponse(1, ENDPOINTS, subscribe, response("2-y", "1"));

    assertThat(tracker.onRequest(1, ENDPOINTS, request("1-x", "0", "a", "b")))
        .isEqualTo(Answer.STALE);
    assertThat(tracker.subscription("n", ENDPOINTS)).contains(List.of("a"));
    assertThat(tracker.status("n", ENDPOINTS, "2-y").state()).isEqualTo(SyncState.STALE);

    assertThat(tracker.onRequest(1, ENDPOINTS, request("2-y", "1", "a"))).isEqualTo(Answer.ACK);
    assertThat(tracker.status("n", ENDPOINTS, "2-y").state()).isEqualTo(SyncState.SYNCED);
    assertThat(tracker.status("n", ENDPOINTS, "3-z").state()).isEqualTo(SyncState.STALE);
  }

  @Test
  void answeredNeedsTheVersionAndEveryNeededName() {
    tracker.open(1, "n");
    assertThat(tracker.answered("n", ENDPOINTS, "1-x", Set.of())).isTrue(); // never subscribed
    assertThat(tracker.answered("n", ENDPOINTS, "1-x", Set.of("b"))).isFalse();

    DiscoveryRequest subscribe = request("", "", "a");
    tracker.onRequest(1, ENDPOINTS, subscribe);
    tracker.onResponse(1, ENDPOINTS, subscribe, response("1-x", "0"));
    assertThat(tracker.answered("n", ENDPOINTS, "1-x", Set.of())).isFalse(); // not answered yet

    DiscoveryRequest more = request("1-x", "0", "a", "b");
    tracker.onRequest(1, ENDPOINTS, more);
    assertThat(tracker.answered("n", ENDPOINTS, "1-x", Set.of("a"))).isTrue();
    assertThat(tracker.answered("n", ENDPOINTS, "1-x", Set.of("b"))).isFalse(); // sent for [a]
    tracker.onResponse(1, ENDPOINTS, more, response("1-x", "1"));
    tracker.onRequest(1, ENDPOINTS, request("1-x", "1", "a", "b"));
    assertThat(tracker.answered("n", ENDPOINTS, "1-x", Set.of("b"))).isTrue();
    assertThat(tracker.answered("n", ENDPOINTS, "2-y", Set.of())).isFalse();
  }

  @Test
  void aReconnectingClientCountsAsHoldingTheVersionItAnnounces() {
    tracker.open(7, "n");
    tracker.onRequest(7, CLUSTERS, request("4-abc", ""));

    assertThat(tracker.status("n", CLUSTERS, "4-abc").state()).isEqualTo(SyncState.SYNCED);
    assertThat(tracker.status("n", CLUSTERS, "5-def").state()).isEqualTo(SyncState.STALE);
    assertThat(tracker.status("n", ENDPOINTS, "5-def").state()).isEqualTo(SyncState.NOT_SENT);
  }

  @Test
  void theNewestStreamOfANodeSpeaksForIt() {
    tracker.open(1, "n");
    tracker.open(2, "n");
    DiscoveryRequest subscribe = request("", "");
    tracker.onRequest(1, CLUSTERS, subscribe);
    tracker.onResponse(1, CLUSTERS, subscribe, response("1-x", "0"));
    tracker.onRequest(1, CLUSTERS, request("1-x", "0"));
    tracker.onRequest(2, CLUSTERS, subscribe);

    assertThat(tracker.status("n", CLUSTERS, "1-x").state()).isEqualTo(SyncState.NOT_SENT);
    tracker.close(2);
    assertThat(tracker.status("n", CLUSTERS, "1-x").state()).isEqualTo(SyncState.SYNCED);
    tracker.close(1);
    assertThat(tracker.subscription("n", CLUSTERS)).isEmpty();
  }
}
