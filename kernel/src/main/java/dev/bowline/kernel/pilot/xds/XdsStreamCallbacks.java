package dev.bowline.kernel.pilot.xds;

import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.kernel.pilot.xds.ProxyStatusTracker.Answer;
import dev.bowline.spi.model.SpiffeId;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.exception.RequestException;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hears every stream of the discovery server: registers a client when the first request of a
 * stream arrives (refusing a malformed node with {@code INVALID_ARGUMENT} and a message naming the
 * field, and a node that claims another namespace or service account than the workload
 * certificate of the stream proved with {@code PERMISSION_DENIED} naming both identities), feeds
 * the status tracker with requests and responses, counts responses and rejections, and forgets a
 * stream when it closes. Requests for the trust bundle secret ({@link TrustBundleSecret}) are
 * answered from the same snapshots and followed by {@link TrustBundleClients}, not by the tracker.
 *
 * <p><b>Threading.</b> Called by java-control-plane on gRPC threads (and on the push thread for
 * responses a new snapshot triggers); thread-safe. It holds no lock while calling {@link Events}.
 */
final class XdsStreamCallbacks implements DiscoveryServerCallbacks {

  private static final Logger LOG = LoggerFactory.getLogger(XdsStreamCallbacks.class);

  /** What the server does about connections. Called without locks held. */
  interface Events {
    /** A stream announced {@code node}; {@code change} says what that changed in the registry. */
    void opened(ProxyNode node, ConnectedProxies.Change change);

    /** The client {@code nodeId} acknowledged or rejected a response. */
    void answered(String nodeId);

    /** The last stream of {@code node} closed. */
    void lastStreamClosed(ProxyNode node);
  }

  private final ConnectedProxies proxies;
  private final ProxyStatusTracker tracker;
  private final XdsMetrics metrics;
  private final Events events;
  private final TrustBundleClients trustBundleClients;
  private final ConcurrentMap<Long, String> defaultTypeUrlByStream = new ConcurrentHashMap<>();

  XdsStreamCallbacks(
      ConnectedProxies proxies, ProxyStatusTracker tracker, XdsMetrics metrics, Events events) {
    this(proxies, tracker, metrics, events, new TrustBundleClients());
  }

  XdsStreamCallbacks(ConnectedProxies proxies, ProxyStatusTracker tracker, XdsMetrics metrics,
      Events events, TrustBundleClients trustBundleClients) {
    this.proxies = proxies;
    this.tracker = tracker;
    this.metrics = metrics;
    this.events = events;
    this.trustBundleClients = trustBundleClients;
  }

  @Override
  public void onStreamOpen(long streamId, String typeUrl) {
    defaultTypeUrlByStream.put(streamId, typeUrl);
  }

  @Override
  public void onV3StreamRequest(long streamId, DiscoveryRequest request) throws RequestException {
    // The trust bundle secret is served from the same snapshots but not tracked per type.
    boolean secret = TrustBundleSecret.TYPE_URL.equals(request.getTypeUrl());
    XdsResourceType type = secret ? null : typeOf(streamId, request.getTypeUrl());
    Optional<ProxyNode> known = proxies.nodeOfStream(streamId);
    ProxyNode node;
    if (known.isEmpty()) {
      node = announced(request.getNode());
      Optional<AuthenticatedPeer> peer = AuthenticatedPeer.current();
      if (peer.isPresent()) {
        requireProvenIdentity(node, peer.get());
      }
      ConnectedProxies.Change change = proxies.add(streamId, node);
      tracker.open(streamId, node.id());
      events.opened(node, change);
    } else {
      node = known.get();
      if (request.hasNode() && !request.getNode().getId().equals(node.id())) {
        throw invalid(
            "node.id: this stream announced '"
                + node.id()
                + "' and now sends '"
                + request.getNode().getId()
                + "'; open a new stream for another node");
      }
    }
    if (secret) {
      trustBundleClients.onRequest(node.id(), AuthenticatedPeer.current(), request);
      if (request.hasErrorDetail()) {
        LOG.warn("{} rejected the trust bundle {}: {}", node.id(), TrustBundleSecret.NAME,
            request.getErrorDetail().getMessage());
      }
      return;
    }
    Answer answer = tracker.onRequest(streamId, type, request);
    if (answer == Answer.NACK) {
      metrics.rejected(type);
      LOG.warn(
          "{} rejected {} (nonce {}): {}",
          node.id(),
          type.shortName(),
          request.getResponseNonce(),
          request.getErrorDetail().getMessage());
    }
    if (answer == Answer.ACK || answer == Answer.NACK) {
      events.answered(node.id());
    }
  }

  @Override
  public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request)
      throws RequestException {
    throw new RequestException(
        Status.UNIMPLEMENTED.withDescription(
            "incremental (delta) xDS is not served; use the state-of-the-world protocol"));
  }

  @Override
  public void onV3StreamResponse(
      long streamId, DiscoveryRequest request, DiscoveryResponse response) {
    String typeUrl =
        response.getTypeUrl().isEmpty() ? request.getTypeUrl() : response.getTypeUrl();
    if (typeUrl.isEmpty()) {
      typeUrl = defaultTypeUrlByStream.getOrDefault(streamId, "");
    }
    XdsResourceType.fromTypeUrl(typeUrl)
        .ifPresent(
            type -> {
              tracker.onResponse(streamId, type, request, response);
              metrics.responseSent(type);
            });
  }

  @Override
  public void onStreamClose(long streamId, String typeUrl) {
    closed(streamId);
  }

  @Override
  public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
    closed(streamId);
  }

  private void closed(long streamId) {
    defaultTypeUrlByStream.remove(streamId);
    tracker.close(streamId);
    proxies.remove(streamId).ifPresent(node -> {
      trustBundleClients.closed(node.id());
      events.lastStreamClosed(node);
    });
  }

  private XdsResourceType typeOf(long streamId, String requestTypeUrl) throws RequestException {
    String typeUrl =
        requestTypeUrl.isEmpty()
            ? defaultTypeUrlByStream.getOrDefault(streamId, "")
            : requestTypeUrl;
    Optional<XdsResourceType> type = XdsResourceType.fromTypeUrl(typeUrl);
    if (type.isEmpty()) {
      throw invalid(
          "type_url: '"
              + typeUrl
              + "' is not served; Pilot serves "
              + XdsResourceType.CLUSTERS.typeUrl()
              + ", "
              + XdsResourceType.ENDPOINTS.typeUrl()
              + ", "
              + XdsResourceType.LISTENERS.typeUrl()
              + ", "
              + XdsResourceType.ROUTES.typeUrl()
              + " and "
              + TrustBundleSecret.TYPE_URL);
    }
    return type.get();
  }

  private static ProxyNode announced(Node node) throws RequestException {
    if (node.getId().isEmpty()) {
      throw invalid("node.id: the first request on a stream must carry the node, with an id");
    }
    try {
      return ProxyNode.fromEnvoyNode(node);
    } catch (IllegalArgumentException e) {
      throw invalid("node '" + node.getId() + "': " + e.getMessage());
    }
  }

  /**
   * A client on the mutual TLS port registers only as the identity its certificate proves: the
   * node's namespace and service account must be the certificate's.
   */
  private static void requireProvenIdentity(ProxyNode node, AuthenticatedPeer peer)
      throws RequestException {
    SpiffeId claimed;
    try {
      claimed =
          SpiffeId.forServiceAccount(peer.id().trustDomain(), node.namespace(), node.serviceAccount());
    } catch (IllegalArgumentException e) {
      throw new RequestException(Status.PERMISSION_DENIED.withDescription(
          "node '" + node.id() + "': " + e.getMessage() + "; its certificate proves " + peer.id()));
    }
    if (!claimed.equals(peer.id())) {
      LOG.warn("refused node '{}': it claims {} but its certificate proves {}", node.id(), claimed, peer.id());
      throw new RequestException(
          Status.PERMISSION_DENIED.withDescription(
              "node '"
                  + node.id()
                  + "' claims "
                  + claimed
                  + " (namespace and service account of its metadata) but its certificate proves "
                  + peer.id()
                  + "; a proxy registers only as the identity it proved"));
    }
  }

  private static RequestException invalid(String message) {
    return new RequestException(Status.INVALID_ARGUMENT.withDescription(message));
  }
}
