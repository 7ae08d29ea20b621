package dev.bowline.kernel.pilot.xds;

import dev.bowline.kernel.pilot.xds.ProxyStatus.SyncState;
import dev.bowline.kernel.pilot.xds.ProxyStatus.TypeStatus;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Follows the state-of-the-world conversation on every stream: per stream and type, the last
 * response sent (version, nonce, the names it answered), the last version acknowledged, and the
 * last rejection (the rejected version and the client's {@code error_detail} message, kept until
 * the client acknowledges a later response).
 *
 * <p>A request answers a response when it carries that response's nonce; a request carrying an
 * older nonce is stale and ignored, as the server ignores it. The first request for a type on a
 * stream starts a subscription; its {@code version_info} (a reconnecting client's) counts as
 * acknowledged. For a node holding several streams, the newest stream that subscribed to a type
 * speaks for it.
 *
 * <p><b>Threading.</b> Thread-safe: fed by gRPC threads and the push thread, read by anyone.
 */
final class ProxyStatusTracker implements ClientProgress {

  /** What a request meant. */
  enum Answer {
    /** The first request for the type on the stream (a subscription). */
    SUBSCRIBE,
    /** It acknowledged the last response. */
    ACK,
    /** It rejected the last response. */
    NACK,
    /** It answered an older response; the server ignores it. */
    STALE
  }

  private static final class TypeTrack {
    boolean subscribed;
    List<String> subscription = List.of();
    String sentVersion = "";
    String sentNonce = "";
    Set<String> sentFor = Set.of(); // a set: containsAll over 1000 names must not be quadratic
    String answeredNonce = "";
    String ackedVersion = "";
    String rejectedVersion = "";
    String rejectMessage = "";
  }

  private static final class StreamTrack {
    final long id;
    final String nodeId;
    final Map<XdsResourceType, TypeTrack> types = new EnumMap<>(XdsResourceType.class);

    StreamTrack(long id, String nodeId) {
      this.id = id;
      this.nodeId = nodeId;
      for (XdsResourceType type : XdsResourceType.values()) {
        types.put(type, new TypeTrack());
      }
    }
  }

  private final ConcurrentMap<Long, StreamTrack> byStream = new ConcurrentHashMap<>();
  private final Map<String, List<StreamTrack>> byNode = new HashMap<>(); // guarded by this

  /** Starts following {@code streamId} of {@code nodeId}. */
  synchronized void open(long streamId, String nodeId) {
    StreamTrack track = new StreamTrack(streamId, nodeId);
    byStream.put(streamId, track);
    byNode.computeIfAbsent(nodeId, n -> new ArrayList<>()).add(track);
  }

  /** Forgets {@code streamId}. */
  synchronized void close(long streamId) {
    StreamTrack track = byStream.remove(streamId);
    if (track == null) {
      return;
    }
    List<StreamTrack> tracks = byNode.get(track.nodeId);
    tracks.remove(track);
    if (tracks.isEmpty()) {
      byNode.remove(track.nodeId);
    }
  }

  /** Records a request of {@code type} on {@code streamId} and says what it meant. */
  Answer onRequest(long streamId, XdsResourceType type, DiscoveryRequest request) {
    StreamTrack stream = byStream.get(streamId);
    if (stream == null) {
      return Answer.STALE;
    }
    synchronized (stream) {
      TypeTrack t = stream.types.get(type);
      String nonce = request.getResponseNonce();
      if (!t.sentNonce.isEmpty() && !t.sentNonce.equals(nonce)) {
        return Answer.STALE;
      }
      t.subscribed = true;
      t.subscription = List.copyOf(request.getResourceNamesList());
      if (t.sentNonce.isEmpty()) {
        // Nothing sent on this stream yet: a reconnecting client says which version it holds.
        if (!request.hasErrorDetail()) {
          t.ackedVersion = request.getVersionInfo();
        }
        return Answer.SUBSCRIBE;
      }
      t.answeredNonce = nonce;
      if (request.hasErrorDetail()) {
        t.rejectedVersion = t.sentVersion;
        t.rejectMessage = request.getErrorDetail().getMessage();
        return Answer.NACK;
      }
      t.ackedVersion = request.getVersionInfo();
      t.rejectedVersion = "";
      t.rejectMessage = "";
      return Answer.ACK;
    }
  }

  /** Records that {@code response} was sent on {@code streamId} to answer {@code request}. */
  void onResponse(
      long streamId, XdsResourceType type, DiscoveryRequest request, DiscoveryResponse response) {
    StreamTrack stream = byStream.get(streamId);
    if (stream == null) {
      return;
    }
    synchronized (stream) {
      TypeTrack t = stream.types.get(type);
      t.sentVersion = response.getVersionInfo();
      t.sentNonce = response.getNonce();
      t.sentFor = Set.copyOf(request.getResourceNamesList());
    }
  }

  /** The state of {@code type} for {@code nodeId}, given the version Pilot holds for it. */
  TypeStatus status(String nodeId, XdsResourceType type, String latestVersion) {
    Optional<StreamTrack> newest = newestFor(nodeId, type);
    if (newest.isEmpty()) {
      return new TypeStatus(SyncState.NOT_SENT, latestVersion, "", "", "", "", "");
    }
    StreamTrack stream = newest.get();
    synchronized (stream) {
      TypeTrack t = stream.types.get(type);
      SyncState state;
      if (t.sentNonce.isEmpty()) {
        state =
            t.ackedVersion.isEmpty()
                ? SyncState.NOT_SENT
                : t.ackedVersion.equals(latestVersion) ? SyncState.SYNCED : SyncState.STALE;
      } else if (!t.rejectMessage.isEmpty() || !t.rejectedVersion.isEmpty()) {
        state = SyncState.NACK;
      } else if (t.answeredNonce.equals(t.sentNonce)
          && t.ackedVersion.equals(t.sentVersion)
          && (latestVersion.isEmpty() || latestVersion.equals(t.sentVersion))) {
        state = SyncState.SYNCED;
      } else {
        state = SyncState.STALE;
      }
      return new TypeStatus(
          state,
          latestVersion,
          t.sentVersion,
          t.sentNonce,
          t.ackedVersion,
          t.rejectedVersion,
          t.rejectMessage);
    }
  }

  @Override
  public Optional<List<String>> subscription(String nodeId, XdsResourceType type) {
    return newestFor(nodeId, type)
        .map(
            stream -> {
              synchronized (stream) {
                return stream.types.get(type).subscription;
              }
            });
  }

  @Override
  public boolean answered(String nodeId, XdsResourceType type, String version, Set<String> names) {
    Optional<StreamTrack> newest = newestFor(nodeId, type);
    if (newest.isEmpty()) {
      return names.isEmpty();
    }
    StreamTrack stream = newest.get();
    synchronized (stream) {
      TypeTrack t = stream.types.get(type);
      return !t.sentNonce.isEmpty()
          && t.sentVersion.equals(version)
          && t.answeredNonce.equals(t.sentNonce)
          && (t.sentFor.isEmpty() || t.sentFor.containsAll(names));
    }
  }

  private Optional<StreamTrack> newestFor(String nodeId, XdsResourceType type) {
    List<StreamTrack> streams;
    synchronized (this) {
      List<StreamTrack> tracks = byNode.get(nodeId);
      if (tracks == null) {
        return Optional.empty();
      }
      streams = List.copyOf(tracks);
    }
    StreamTrack newest = null;
    for (StreamTrack stream : streams) {
      boolean subscribed;
      synchronized (stream) {
        subscribed = stream.types.get(type).subscribed;
      }
      if (subscribed && (newest == null || stream.id > newest.id)) {
        newest = stream;
      }
    }
    return Optional.ofNullable(newest);
  }
}
