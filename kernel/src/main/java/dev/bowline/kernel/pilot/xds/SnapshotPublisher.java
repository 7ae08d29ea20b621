package dev.bowline.kernel.pilot.xds;

import static dev.bowline.kernel.pilot.xds.XdsResourceType.CLUSTERS;
import static dev.bowline.kernel.pilot.xds.XdsResourceType.ENDPOINTS;
import static dev.bowline.kernel.pilot.xds.XdsResourceType.LISTENERS;
import static dev.bowline.kernel.pilot.xds.XdsResourceType.ROUTES;

import com.google.protobuf.Message;
import dev.bowline.kernel.pilot.translate.ProxyResources;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets each client's snapshot in the cache, versioned by content and make-before-break.
 *
 * <p><b>Versions.</b> Per client and type, {@code <push number>-<first 8 hex digits of the content
 * hash>}; a type whose content did not change keeps its version, so the cache does not send it
 * again.
 *
 * <p><b>Make-before-break.</b> SimpleCache answers the open watches of one new snapshot in the
 * order clusters, endpoints, listeners, routes, but only the watches that are open: a client that
 * has not acknowledged the previous clusters yet gets the new routes first, and the endpoints of a
 * new cluster are only asked for once the client has seen that cluster. So a change that adds or
 * changes clusters or endpoints is published in two steps. First a snapshot whose clusters and
 * endpoints are the union of the old and the new (the new winning) while listeners and routes stay
 * as they were; once the client has answered those clusters, and the endpoints of every new EDS
 * cluster it subscribes to, the full new snapshot (which also drops the clusters no longer used).
 * If the client does not answer within the stage timeout, the second step goes out anyway. A new
 * push for a client between the two steps starts over from what the client was sent: if it adds
 * clusters or endpoints, a new first step; if not, the pending first step now leads to the newer
 * target.
 *
 * <p><b>Sharing.</b> The clients of one push mostly hold the very same resource lists. Content
 * hashes, the snapshot's maps and the union of a first step are computed once per list object
 * (or pair of lists) and shared, until {@link #newPush()} drops these memos.
 *
 * <p><b>Threading.</b> {@link #publish}, {@link #settle}, {@link #newPush} and {@link
 * #forgetDisconnected} run on the push thread only (the one {@code pushThread} executor); the read
 * methods are thread-safe.
 */
final class SnapshotPublisher {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotPublisher.class);

  private record TypeVersion(String hash, String version) {}

  /**
   * What the cache holds for one client and, between the two steps, where it is going. Immutable.
   *
   * @param applied the resources in the cache
   * @param versions their versions
   * @param target the second step, or null when there is none pending
   * @param targetVersions its versions, or null
   * @param stageId which first step this is
   * @param newEds for each new or changed EDS cluster of the first step, the name of its
   *     endpoints
   */
  private record Published(
      ProxyResources applied,
      Map<XdsResourceType, TypeVersion> versions,
      ProxyResources target,
      Map<XdsResourceType, TypeVersion> targetVersions,
      long stageId,
      EdsNames newEds) {

    boolean staged() {
      return target != null;
    }
  }

  private final SimpleCache<String> cache;
  private final ClientProgress clients;
  private final ScheduledExecutorService pushThread;
  private final Duration stageTimeout;
  private final ConcurrentMap<String, Published> published = new ConcurrentHashMap<>();
  private long stages; // push thread only
  // Memos of the current push, push thread only:
  private final ContentHashes hashes = new ContentHashes();
  private final SharedSnapshots snapshots;
  private final Map<ListPair, List<? extends Message>> unions = new HashMap<>();
  private final Map<ListPair, NewEdsClusters> newEdsClusters = new HashMap<>();
  private final Set<List<? extends Message>> checked =
      Collections.newSetFromMap(new IdentityHashMap<>());

  SnapshotPublisher(
      SimpleCache<String> cache,
      ClientProgress clients,
      ScheduledExecutorService pushThread,
      Duration stageTimeout,
      AssignmentDigests assignmentDigests) {
    this(cache, clients, pushThread, stageTimeout, assignmentDigests, TrustBundleSecret.NONE);
  }

  SnapshotPublisher(
      SimpleCache<String> cache,
      ClientProgress clients,
      ScheduledExecutorService pushThread,
      Duration stageTimeout,
      AssignmentDigests assignmentDigests,
      TrustBundleSecret trustBundle) {
    this.snapshots = new SharedSnapshots(hashes, assignmentDigests, trustBundle);
    this.cache = cache;
    this.clients = clients;
    this.pushThread = pushThread;
    this.stageTimeout = stageTimeout;
  }

  /**
   * Publishes {@code target} for the client {@code nodeId}, make-before-break.
   *
   * @throws IllegalArgumentException two resources of one type share a name, or one has none; the
   *     message names the node and the resource; the client keeps what it has
   */
  void publish(String nodeId, ProxyResources target, long pushNumber) {
    checkNames(nodeId, target);
    Published current = published.get(nodeId);
    if (current == null) {
      apply(nodeId, target, versionsOf(target, Map.of(), pushNumber));
      return;
    }
    ProxyResources stage =
        new ProxyResources(
            union(current.applied().clusters(), target.clusters()),
            union(current.applied().endpoints(), target.endpoints()),
            current.applied().listeners(),
            current.applied().routes());
    Map<XdsResourceType, TypeVersion> stageVersions =
        versionsOf(stage, current.versions(), pushNumber);
    Map<XdsResourceType, TypeVersion> targetVersions =
        versionsOf(target, stageVersions, pushNumber);
    boolean makesSomething =
        !stageVersions.get(CLUSTERS).equals(current.versions().get(CLUSTERS))
            || !stageVersions.get(ENDPOINTS).equals(current.versions().get(ENDPOINTS));
    if (!makesSomething && current.staged()) {
      // The client still has to answer the clusters and endpoints already sent: keep waiting for
      // that, then publish the newer target.
      published.put(
          nodeId,
          new Published(
              current.applied(),
              current.versions(),
              target,
              targetVersions,
              current.stageId(),
              current.newEds()));
      finishStage(nodeId, current.stageId(), false);
      return;
    }
    if (!makesSomething || stageVersions.equals(targetVersions)) {
      apply(nodeId, target, targetVersions);
      return;
    }
    long stageId = ++stages;
    // A first step that replaces a pending one still needs what that one needed.
    EdsNames needed = newEdsClusters(current.applied().clusters(), stage);
    if (current.staged()) {
      needed = current.newEds().and(needed);
    }
    published.put(
        nodeId, new Published(stage, stageVersions, target, targetVersions, stageId, needed));
    cache.setSnapshot(nodeId, snapshotOf(stage, stageVersions));
    try {
      pushThread.schedule(
          () -> timeOut(nodeId, stageId), stageTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closing) {
      return;
    }
    finishStage(nodeId, stageId, false);
  }

  /**
   * Drops the memos of the previous push (snapshot maps, unions, new EDS clusters), so that they
   * keep no old resources alive; the content hashes are kept one push longer ({@link
   * ContentHashes#nextPush()}).
   * Called at the start of each push.
   */
  void newPush() {
    hashes.nextPush();
    snapshots.clear();
    unions.clear();
    newEdsClusters.clear();
    checked.clear();
  }

  /** Completes a pending first step of {@code nodeId} if the client has answered it. */
  void settle(String nodeId) {
    Published p = published.get(nodeId);
    if (p != null && p.staged()) {
      finishStage(nodeId, p.stageId(), false);
    }
  }

  /** Drops what was published for clients that are no longer connected. */
  void forgetDisconnected(Predicate<String> connected) {
    published.keySet().removeIf(nodeId -> !connected.test(nodeId));
    for (String group : cache.groups()) {
      if (!connected.test(group)) {
        // Fails while the closed stream's watches are still being cancelled: next sweep retries.
        cache.clearSnapshot(group);
      }
    }
  }

  /** Whether {@code nodeId} waits between the two steps of a change. */
  boolean isStaged(String nodeId) {
    Published p = published.get(nodeId);
    return p != null && p.staged();
  }

  /** The resources in the cache for {@code nodeId}. */
  Optional<ProxyResources> resourcesOf(String nodeId) {
    return Optional.ofNullable(published.get(nodeId)).map(Published::applied);
  }

  /** The version of {@code type} in the cache for {@code nodeId}, empty string if none. */
  String version(String nodeId, XdsResourceType type) {
    Published p = published.get(nodeId);
    return p == null ? "" : p.versions().get(type).version();
  }

  private void timeOut(String nodeId, long stageId) {
    try {
      finishStage(nodeId, stageId, true);
    } catch (RuntimeException e) {
      LOG.error("{}: publishing the second step of a change failed", nodeId, e);
    }
  }

  private void finishStage(String nodeId, long stageId, boolean timedOut) {
    Published p = published.get(nodeId);
    if (p == null || !p.staged() || p.stageId() != stageId) {
      return;
    }
    if (!timedOut && !clientHasMade(nodeId, p)) {
      return;
    }
    if (timedOut) {
      LOG.warn(
          "{}: the client did not acknowledge new clusters and endpoints within {};"
              + " publishing listeners and routes anyway",
          nodeId,
          stageTimeout);
    }
    apply(nodeId, p.target(), p.targetVersions());
  }

  private boolean clientHasMade(String nodeId, Published p) {
    if (!clients.answered(nodeId, CLUSTERS, p.versions().get(CLUSTERS).version(), Set.of())) {
      return false;
    }
    Set<String> needed =
        clients
            .subscription(nodeId, CLUSTERS)
            .map(subscribed -> p.newEds().subscribedBy(subscribed))
            .orElse(Set.of());
    return clients.answered(nodeId, ENDPOINTS, p.versions().get(ENDPOINTS).version(), needed);
  }

  private void apply(
      String nodeId, ProxyResources resources, Map<XdsResourceType, TypeVersion> versions) {
    // Recorded before the cache answers, so that an acknowledgement racing in sees it.
    published.put(nodeId, new Published(resources, versions, null, null, 0, EdsNames.NONE));
    cache.setSnapshot(nodeId, snapshotOf(resources, versions));
  }

  private Snapshot snapshotOf(ProxyResources r, Map<XdsResourceType, TypeVersion> versions) {
    Map<XdsResourceType, String> byType = new EnumMap<>(XdsResourceType.class);
    versions.forEach((type, v) -> byType.put(type, v.version()));
    return snapshots.of(r, byType);
  }

  private Map<XdsResourceType, TypeVersion> versionsOf(
      ProxyResources resources, Map<XdsResourceType, TypeVersion> previous, long pushNumber) {
    Map<XdsResourceType, TypeVersion> out = new EnumMap<>(XdsResourceType.class);
    for (XdsResourceType type : XdsResourceType.values()) {
      String hash = hashes.of(type.of(resources));
      TypeVersion before = previous.get(type);
      out.put(
          type,
          before != null && before.hash().equals(hash)
              ? before
              : new TypeVersion(hash, pushNumber + "-" + hash.substring(0, 8)));
    }
    return out;
  }

  /**
   * The resources of {@code fresh} and those of {@code old} whose names {@code fresh} lacks;
   * {@code fresh} itself when it lacks none. Memoized per pair of list objects.
   */
  @SuppressWarnings("unchecked")
  private <T extends Message> List<T> union(List<T> old, List<T> fresh) {
    if (old == fresh) {
      return fresh;
    }
    return (List<T>) unions.computeIfAbsent(new ListPair(old, fresh), k -> unionOf(old, fresh));
  }

  private static <T extends Message> List<T> unionOf(List<T> old, List<T> fresh) {
    Map<String, T> byName = new LinkedHashMap<>();
    fresh.forEach(r -> byName.put(XdsResourceType.nameOf(r), r));
    int before = byName.size();
    old.forEach(r -> byName.putIfAbsent(XdsResourceType.nameOf(r), r));
    return byName.size() == before ? fresh : List.copyOf(byName.values());
  }

  /**
   * The new or changed EDS clusters of a first step with the names of their endpoints, and all
   * those names, which a client subscribing to every cluster (as Envoy does) must have answered.
   * Immutable; the clients of one namespace share one instance.
   */
  private record EdsNames(Map<String, String> byCluster, Set<String> all) {
    static final EdsNames NONE = new EdsNames(Map.of(), Set.of());

    static EdsNames of(Map<String, String> byCluster) {
      return new EdsNames(Map.copyOf(byCluster), Set.copyOf(byCluster.values()));
    }

    /** These and {@code newer}'s, {@code newer} winning. */
    EdsNames and(EdsNames newer) {
      if (byCluster.isEmpty()) {
        return newer;
      }
      Map<String, String> merged = new HashMap<>(byCluster);
      merged.putAll(newer.byCluster());
      return of(merged);
    }

    /** The endpoint names a client whose cluster {@code subscription} (empty: all) must answer. */
    Set<String> subscribedBy(List<String> subscription) {
      if (subscription.isEmpty()) {
        return all;
      }
      Set<String> clusters = new HashSet<>(subscription);
      Set<String> needed = new HashSet<>();
      byCluster.forEach(
          (cluster, edsName) -> {
            if (clusters.contains(cluster)) {
              needed.add(edsName);
            }
          });
      return needed;
    }
  }

  /** {@link #newEdsClusters} for one first step's endpoints list (by identity). */
  private record NewEdsClusters(List<?> endpoints, EdsNames names) {}

  /** Two lists, compared by identity. */
  private record ListPair(List<?> old, List<?> fresh) {
    @Override
    public boolean equals(Object o) {
      return o instanceof ListPair p && p.old == old && p.fresh == fresh;
    }

    @Override
    public int hashCode() {
      return 31 * System.identityHashCode(old) + System.identityHashCode(fresh);
    }
  }

  /**
   * The new or changed EDS clusters of a first step, with the names of their endpoints; memoized
   * per push for the same lists, which the clients of one namespace share.
   */
  private EdsNames newEdsClusters(List<Cluster> before, ProxyResources stage) {
    ListPair key = new ListPair(before, stage.clusters());
    NewEdsClusters memo = newEdsClusters.get(key);
    if (memo == null || memo.endpoints() != stage.endpoints()) {
      memo = new NewEdsClusters(stage.endpoints(), computeNewEdsClusters(before, stage));
      newEdsClusters.put(key, memo);
    }
    return memo.names();
  }

  private static EdsNames computeNewEdsClusters(
      List<Cluster> before, ProxyResources stage) {
    Map<String, Cluster> old = new HashMap<>();
    before.forEach(c -> old.put(c.getName(), c));
    Set<String> endpointNames = new HashSet<>();
    for (ClusterLoadAssignment cla : stage.endpoints()) {
      endpointNames.add(cla.getClusterName());
    }
    Map<String, String> out = new HashMap<>();
    for (Cluster cluster : stage.clusters()) {
      if (cluster.equals(old.get(cluster.getName())) || !isEds(cluster)) {
        continue;
      }
      String serviceName = cluster.getEdsClusterConfig().getServiceName();
      String edsName = serviceName.isEmpty() ? cluster.getName() : serviceName;
      if (endpointNames.contains(edsName)) {
        out.put(cluster.getName(), edsName);
      }
    }
    return EdsNames.of(out);
  }

  private static boolean isEds(Cluster cluster) {
    return cluster.getClusterDiscoveryTypeCase() == Cluster.ClusterDiscoveryTypeCase.TYPE
        && cluster.getType() == Cluster.DiscoveryType.EDS;
  }

  private void checkNames(String nodeId, ProxyResources resources) {
    for (XdsResourceType type : XdsResourceType.values()) {
      List<? extends Message> list = type.of(resources);
      if (checked.contains(list)) {
        continue; // the same list object passed for another client of this push
      }
      Map<String, Integer> seen = new HashMap<>();
      for (int i = 0; i < list.size(); i++) {
        String name = XdsResourceType.nameOf(list.get(i));
        String path = fieldOf(type) + "[" + i + "]";
        if (name.isEmpty()) {
          throw new IllegalArgumentException(
              "resources for node '" + nodeId + "': " + path + " has no name");
        }
        Integer first = seen.putIfAbsent(name, i);
        if (first != null) {
          throw new IllegalArgumentException(
              "resources for node '"
                  + nodeId
                  + "': "
                  + path
                  + " is named '"
                  + name
                  + "' like "
                  + fieldOf(type)
                  + "["
                  + first
                  + "]");
        }
      }
      checked.add(list);
    }
  }

  private static String fieldOf(XdsResourceType type) {
    return switch (type) {
      case CLUSTERS -> "clusters";
      case ENDPOINTS -> "endpoints";
      case LISTENERS -> "listeners";
      case ROUTES -> "routes";
    };
  }
}
