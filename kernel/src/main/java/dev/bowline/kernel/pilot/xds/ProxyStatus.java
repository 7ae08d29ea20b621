package dev.bowline.kernel.pilot.xds;

import dev.bowline.kernel.pilot.node.ProxyNode;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * How far one connected client is in sync with Pilot, per resource type: what {@code bowlinectl
 * proxy-status} shows. Immutable.
 *
 * @param nodeId the node id
 * @param type sidecar, router (gateway) or proxyless
 * @param namespace the node's namespace
 * @param workload the node's workload name
 * @param connectedSince when its first current stream opened
 * @param streams how many streams it holds (more than one while it reconnects)
 * @param types the state of each served type
 */
public record ProxyStatus(
    String nodeId,
    ProxyNode.Type type,
    String namespace,
    String workload,
    Instant connectedSince,
    int streams,
    Map<XdsResourceType, TypeStatus> types) {

  public ProxyStatus {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(connectedSince, "connectedSince");
    types = Map.copyOf(types);
  }

  /** Where a client stands with one type. */
  public enum SyncState {
    /**
     * The client acknowledged the latest version Pilot has for it (or, reconnecting, announced
     * that it holds it).
     */
    SYNCED,
    /** Sent and not acknowledged yet, or Pilot has a newer version the client has not had yet. */
    STALE,
    /** The client rejected a response and has acknowledged nothing since. */
    NACK,
    /** Nothing of this type was sent on the client's current stream. */
    NOT_SENT
  }

  /**
   * One type's state for one client. Immutable; a version or message that does not exist is the
   * empty string.
   *
   * @param state the summary
   * @param latestVersion the version Pilot currently holds for the client
   * @param sentVersion the version of the last response sent
   * @param sentNonce the nonce of the last response sent
   * @param ackedVersion the last version the client acknowledged
   * @param rejectedVersion the version the client last rejected (kept until it acknowledges one)
   * @param rejectMessage the client's {@code error_detail} message for that rejection
   */
  public record TypeStatus(
      SyncState state,
      String latestVersion,
      String sentVersion,
      String sentNonce,
      String ackedVersion,
      String rejectedVersion,
      String rejectMessage) {

    public TypeStatus {
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(latestVersion, "latestVersion");
      Objects.requireNonNull(sentVersion, "sentVersion");
      Objects.requireNonNull(sentNonce, "sentNonce");
      Objects.requireNonNull(ackedVersion, "ackedVersion");
      Objects.requireNonNull(rejectedVersion, "rejectedVersion");
      Objects.requireNonNull(rejectMessage, "rejectMessage");
    }
  }
}
