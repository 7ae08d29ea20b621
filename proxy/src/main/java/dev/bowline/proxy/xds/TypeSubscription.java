package dev.bowline.proxy.xds;

import com.google.protobuf.Any;
import com.google.rpc.Code;
import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledFuture;

/**
 * The protocol state of one resource type on the ADS stream: the names subscribed to, the version
 * last ACKed, the nonce last received, and the error of a pending NACK; it writes the
 * state-of-the-world request that says all of it.
 *
 * <p>A response rejected again, unchanged (a server that answers a NACK by sending the same
 * resources again, as java-control-plane's cache does), is NACKed after a growing pause rather
 * than at once, so that client and server do not spin.
 *
 * <p>Not thread-safe: confined to the client's update thread.
 */
final class TypeSubscription {

  private final XdsResourceType type;
  private final ExponentialBackoff repeatedNackBackoff;
  private Set<String> names = Set.of();
  private String ackedVersion = "";
  private String nonce = "";
  private Status errorDetail;
  private String lastRejection;
  private Rejected lastRejected;
  private boolean requestedOnStream;
  private ScheduledFuture<?> pendingRequest;
  private long accepted;
  private long rejected;

  private record Rejected(String version, List<Any> resources) {}

  TypeSubscription(XdsResourceType type, ExponentialBackoff repeatedNackBackoff) {
    this.type = type;
    this.repeatedNackBackoff = repeatedNackBackoff;
  }

  XdsResourceType type() {
    return type;
  }

  /** The names subscribed to (empty for a wildcard type). */
  Set<String> names() {
    return names;
  }

  /**
   * Subscribes to exactly these names (not for a wildcard type).
   *
   * @return whether the set changed
   */
  boolean subscribe(Set<String> next) {
    if (names.equals(next)) {
      return false;
    }
    names = Collections.unmodifiableSet(new TreeSet<>(next));
    return true;
  }

  /** Whether a request of this type was sent on the current stream. */
  boolean requestedOnStream() {
    return requestedOnStream;
  }

  /** Whether a response of this type was ever accepted. */
  boolean everAccepted() {
    return accepted > 0;
  }

  /** Whether a request for this type belongs on the stream now. */
  boolean wantsRequest() {
    return type.wildcard() || !names.isEmpty() || requestedOnStream;
  }

  /**
   * A new stream starts: nonces are per stream and the server knows nothing of this client, so
   * the first request says only which versions the client holds.
   */
  void streamStarted() {
    nonce = "";
    errorDetail = null;
    requestedOnStream = false;
    cancelPendingRequest();
  }

  /** A response arrived. */
  void received(DiscoveryResponse response) {
    nonce = response.getNonce();
  }

  /** The response was applied: the next request ACKs it. */
  void accepted(DiscoveryResponse response) {
    ackedVersion = response.getVersionInfo();
    errorDetail = null;
    lastRejection = null;
    lastRejected = null;
    repeatedNackBackoff.reset();
    accepted++;
  }

  /**
   * The response was rejected: the next request NACKs it.
   *
   * @return how long to wait before sending the NACK: zero unless this very response was just
   *     rejected already
   */
  Duration rejected(DiscoveryResponse response, String error) {
    errorDetail =
        Status.newBuilder().setCode(Code.INVALID_ARGUMENT_VALUE).setMessage(error).build();
    lastRejection = error;
    rejected++;
    Rejected now = new Rejected(response.getVersionInfo(), response.getResourcesList());
    boolean repeat = now.equals(lastRejected);
    lastRejected = now;
    if (!repeat) {
      repeatedNackBackoff.reset();
      return Duration.ZERO;
    }
    return repeatedNackBackoff.next();
  }

  /** The request saying the whole state of this type: ACK, NACK or a change of names. */
  DiscoveryRequest request(Node node) {
    requestedOnStream = true;
    cancelPendingRequest();
    DiscoveryRequest.Builder b =
        DiscoveryRequest.newBuilder()
            .setNode(node)
            .setTypeUrl(type.typeUrl())
            .setVersionInfo(ackedVersion)
            .setResponseNonce(nonce)
            .addAllResourceNames(names);
    if (errorDetail != null) {
      b.setErrorDetail(errorDetail);
    }
    return b.build();
  }

  /** A request to be sent later; replaced (cancelled) by any request sent before it. */
  void pendingRequest(ScheduledFuture<?> future) {
    cancelPendingRequest();
    pendingRequest = future;
  }

  void cancelPendingRequest() {
    if (pendingRequest != null) {
      pendingRequest.cancel(false);
      pendingRequest = null;
    }
  }

  XdsStatus.TypeStatus status() {
    return new XdsStatus.TypeStatus(
        ackedVersion, Optional.ofNullable(lastRejection), accepted, rejected);
  }
}
