package dev.bowline.kernel.pilot.xds;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.spi.model.SpiffeId;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a root rotation learns from trust bundle requests: the version held, the peer, leaving. */
class TrustBundleClientsTest {

  private static final AuthenticatedPeer PEER =
      new AuthenticatedPeer(SpiffeId.forServiceAccount("cluster.local", "default", "ratings"), List.of());

  private static DiscoveryRequest request(String version, boolean rejected) {
    DiscoveryRequest.Builder b = DiscoveryRequest.newBuilder()
        .setTypeUrl(TrustBundleSecret.TYPE_URL).setVersionInfo(version).addResourceNames("ROOTCA");
    if (rejected) {
      b.getErrorDetailBuilder().setMessage("not PEM");
    }
    return b.build();
  }

  @Test
  void holdsTheLastAcknowledgedVersionUntilTheNodeLeaves() {
    TrustBundleClients clients = new TrustBundleClients();
    clients.onRequest("a", Optional.of(PEER), request("", false));
    assertThat(clients.all()).singleElement().satisfies(c -> {
      assertThat(c.heldVersion()).isEmpty();
      assertThat(c.identity()).contains(PEER.id());
    });

    clients.onRequest("a", Optional.empty(), request("v1", false));
    assertThat(clients.all()).singleElement().satisfies(c -> {
      assertThat(c.heldVersion()).isEqualTo("v1");
      assertThat(c.identity()).as("the stream's peer is kept").contains(PEER.id());
    });

    clients.onRequest("a", Optional.of(PEER), request("v1", true));
    assertThat(clients.all()).singleElement()
        .satisfies(c -> assertThat(c.heldVersion()).as("a rejection keeps the version held").isEqualTo("v1"));

    clients.onRequest("b", Optional.empty(), request("v0", false));
    assertThat(clients.all()).hasSize(2);
    clients.closed("a");
    assertThat(clients.all()).singleElement().satisfies(c -> {
      assertThat(c.nodeId()).isEqualTo("b");
      assertThat(c.identity()).isEmpty();
    });
  }
}
