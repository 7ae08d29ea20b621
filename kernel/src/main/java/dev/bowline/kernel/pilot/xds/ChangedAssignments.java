package dev.bowline.kernel.pilot.xds;

import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.XdsRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Trims each EDS response to the assignments the client does not already hold: incremental EDS
 * within the state-of-the-world protocol. For EDS (and RDS) the protocol does not read a resource
 * missing from a response as removed, so a server may leave out what did not change; Envoy,
 * grpc-java and Bowline's proxy keep the assignments they have. One endpoint change then costs
 * each client one assignment instead of all of them.
 *
 * <p>A response is trimmed only when everything needed to prove the client holds the rest is
 * known: the client's request acknowledges, by version, the last response this filter let through
 * to that node; both versions' digests are still in {@link AssignmentDigests}; and the name was
 * both requested then and unchanged since. Otherwise the response goes out whole. A new stream
 * (no version in its request), a rejected response (the client names an older version) or an
 * unknown version therefore always gets every assignment.
 *
 * <p><b>Threading.</b> Thread-safe. Called on the push thread (a new snapshot answers a watch)
 * and on gRPC threads (a request answered at once); per node, java-control-plane produces one
 * response at a time.
 */
final class ChangedAssignments {

  /** What the filter last let through to one node: its version and every name it covered. */
  private record Sent(String version, Set<String> names) {}

  private final AssignmentDigests digests;
  private final Map<String, Sent> sentByNode = new ConcurrentHashMap<>();

  ChangedAssignments(AssignmentDigests digests) {
    this.digests = Objects.requireNonNull(digests, "digests");
  }

  /**
   * The response to send instead of {@code response}: it, or it without unchanged assignments.
   * One pass over the response: a client whose subscription did not change keeps the set of names
   * recorded for it, so an unchanged subscription of 1000 names costs lookups, not a new set.
   */
  Response trim(Response response) {
    XdsRequest request = response.request();
    String nodeId = request.v3Request().getNode().getId();
    Collection<? extends Message> resources = response.resources();
    Sent before = sentByNode.get(nodeId);
    Map<String, String> old = null;
    Map<String, String> fresh = null;
    if (before != null && holds(request, before)) {
      old = digests.of(request.getVersionInfo());
      fresh = digests.of(response.version());
    }
    boolean trimming = old != null && fresh != null;
    boolean sameNames = before != null && before.names().size() == resources.size();
    List<Message> changed = trimming ? new ArrayList<>() : null;
    for (Message resource : resources) {
      String name = XdsResourceType.nameOf(resource);
      boolean covered = before != null && before.names().contains(name);
      sameNames &= covered;
      if (trimming) {
        String digest = fresh.get(name);
        if (digest == null || !covered || !digest.equals(old.get(name))) {
          changed.add(resource);
        }
      }
    }
    sentByNode.put(nodeId, new Sent(response.version(), sameNames ? before.names() : namesOf(resources)));
    return !trimming || changed.size() == resources.size()
        ? response
        : Response.create(request, changed, response.version());
  }

  private static Set<String> namesOf(Collection<? extends Message> resources) {
    Set<String> names = new HashSet<>(resources.size() * 2);
    for (Message resource : resources) {
      names.add(XdsResourceType.nameOf(resource));
    }
    return names;
  }

  /**
   * The assignment names the client of {@code request} holds from responses this filter trimmed:
   * those covered by the last response it let through, if the request acknowledges that response's
   * version; else none. java-control-plane counts as known only the names of the last response
   * sent, which after trimming are fewer than the client holds; without these it would answer the
   * next request again, with nothing new in it.
   */
  Set<String> held(XdsRequest request) {
    Sent before = sentByNode.get(request.v3Request().getNode().getId());
    return before != null && holds(request, before) ? before.names() : Set.of();
  }

  /**
   * Whether the client of {@code request} holds what {@code sent} covered: it acknowledges that
   * version. A rejection does not count: its version is the rejected one (see
   * {@link SotwRequestNormalizer}).
   */
  private static boolean holds(XdsRequest request, Sent sent) {
    String version = request.getVersionInfo();
    return !request.hasErrorDetail() && !version.isEmpty() && version.equals(sent.version());
  }

  /** Forgets what was sent to {@code nodeId} (its last stream closed). */
  void forget(String nodeId) {
    sentByNode.remove(nodeId);
  }
}
