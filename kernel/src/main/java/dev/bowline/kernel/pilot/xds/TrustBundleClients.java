package dev.bowline.kernel.pilot.xds;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Follows which connected clients subscribed to the trust bundle secret and which version of it
 * each acknowledged. A request without {@code error_detail} holds its {@code version_info} (the
 * first request on a stream: the version a reconnecting client already holds, or none); a
 * rejection keeps the version held before. A node's entry goes when its last stream closes.
 *
 * <p><b>Threading.</b> Thread-safe: fed by gRPC threads, read by anyone.
 */
final class TrustBundleClients {

  private final ConcurrentMap<String, TrustBundleClient> byNode = new ConcurrentHashMap<>();

  /** Records a trust bundle request of {@code nodeId}, made by {@code peer} if it proved one. */
  void onRequest(String nodeId, Optional<AuthenticatedPeer> peer, DiscoveryRequest request) {
    byNode.compute(nodeId, (id, known) -> {
      String held = request.hasErrorDetail()
          ? (known == null ? "" : known.heldVersion())
          : request.getVersionInfo();
      if (peer.isEmpty() && known != null) {
        // The stream's peer does not change; keep what its first request showed.
        return new TrustBundleClient(id, known.identity(), known.adsChain(), held);
      }
      return new TrustBundleClient(id, peer.map(AuthenticatedPeer::id),
          peer.map(AuthenticatedPeer::chain).orElse(List.of()), held);
    });
  }

  /** Forgets {@code nodeId}, whose last stream closed. */
  void closed(String nodeId) {
    byNode.remove(nodeId);
  }

  /** Every client that subscribed, as of now. */
  List<TrustBundleClient> all() {
    return List.copyOf(byNode.values());
  }
}
