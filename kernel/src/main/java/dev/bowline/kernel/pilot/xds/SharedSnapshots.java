package dev.bowline.kernel.pilot.xds;

import com.google.protobuf.Message;
import dev.bowline.kernel.pilot.translate.ProxyResources;
import io.envoyproxy.controlplane.cache.ResourceVersionResolver;
import io.envoyproxy.controlplane.cache.Resources.ResourceType;
import io.envoyproxy.controlplane.cache.SnapshotResources;
import io.envoyproxy.controlplane.cache.VersionedResource;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds the java-control-plane snapshots of the clients, sharing the per-resource part among
 * them. {@code Snapshot.create} would wrap every resource of every client in a new {@code
 * VersionedResource}, hashing it again, and build new maps per client; here the maps of one
 * resource list (by name, in list order, each resource versioned by its content digest) are built
 * once per list object and shared by reference by every client's snapshot, which only adds its
 * own version per type. The memo is keyed by list identity and dropped by {@link #clear()}, once
 * per push.
 *
 * <p><b>Threading.</b> Not thread-safe: the publisher uses it on the push thread only. The
 * snapshots it returns are immutable and may be read by any thread.
 */
final class SharedSnapshots {

  private final ContentHashes hashes;
  private final AssignmentDigests assignmentDigests;
  private final TrustBundleSecret trustBundle;
  private final Map<List<? extends Message>, Maps<?>> maps = new IdentityHashMap<>();

  /**
   * Snapshots whose resource versions come from {@code hashes}; the digests of each EDS version
   * are recorded in {@code assignmentDigests}.
   */
  SharedSnapshots(ContentHashes hashes, AssignmentDigests assignmentDigests) {
    this(hashes, assignmentDigests, TrustBundleSecret.NONE);
  }

  /** Snapshots that also carry the trust bundle secret of {@code trustBundle} for every client. */
  SharedSnapshots(
      ContentHashes hashes, AssignmentDigests assignmentDigests, TrustBundleSecret trustBundle) {
    this.hashes = Objects.requireNonNull(hashes, "hashes");
    this.assignmentDigests = Objects.requireNonNull(assignmentDigests, "assignmentDigests");
    this.trustBundle = Objects.requireNonNull(trustBundle, "trustBundle");
  }

  /** The snapshot of {@code resources}, each type at its version in {@code versions}. */
  Snapshot of(ProxyResources resources, Map<XdsResourceType, String> versions) {
    String endpointsVersion = versions.get(XdsResourceType.ENDPOINTS);
    SnapshotResources<ClusterLoadAssignment> endpoints =
        resourcesOf(resources.endpoints(), endpointsVersion);
    assignmentDigests.record(endpointsVersion, digestsOf(resources.endpoints()));
    return new SharedSnapshot(
        resourcesOf(resources.clusters(), versions.get(XdsResourceType.CLUSTERS)),
        endpoints,
        resourcesOf(resources.listeners(), versions.get(XdsResourceType.LISTENERS)),
        resourcesOf(resources.routes(), versions.get(XdsResourceType.ROUTES)),
        secrets());
  }

  private SnapshotResources<Secret> secrets() {
    TrustBundleSecret.Served served = trustBundle.served();
    if (served.secrets().isEmpty()) {
      return new VersionedResources<Secret>(Maps.empty(), "");
    }
    return resourcesOf(served.secrets(), served.version());
  }

  private Map<String, String> digestsOf(List<ClusterLoadAssignment> list) {
    return ((Maps<?>) maps.get(list)).digests();
  }

  /** Drops the memoized maps. */
  void clear() {
    maps.clear();
  }

  /** How many resource lists have maps memoized (for tests). */
  int memoized() {
    return maps.size();
  }

  @SuppressWarnings("unchecked")
  private <T extends Message> SnapshotResources<T> resourcesOf(List<T> list, String version) {
    Maps<T> shared = (Maps<T>) maps.get(list);
    if (shared == null) {
      shared = Maps.of(list, hashes);
      maps.put(list, shared);
    }
    return new VersionedResources<>(shared, Objects.requireNonNull(version, "version"));
  }

  /** One list's resources by name, plain and versioned. Immutable. */
  private record Maps<T extends Message>(
      Map<String, VersionedResource<T>> versioned,
      Map<String, T> plain,
      Map<String, String> digests) {

    static <T extends Message> Maps<T> of(List<T> list, ContentHashes hashes) {
      Map<String, VersionedResource<T>> versioned = new LinkedHashMap<>();
      Map<String, T> plain = new LinkedHashMap<>();
      Map<String, String> digests = new HashMap<>();
      for (T resource : list) {
        String name = XdsResourceType.nameOf(resource);
        String digest = hashes.versionOf(resource);
        versioned.put(name, VersionedResource.create(resource, digest));
        plain.put(name, resource);
        digests.put(name, digest);
      }
      return new Maps<>(
          Collections.unmodifiableMap(versioned),
          Collections.unmodifiableMap(plain),
          Collections.unmodifiableMap(digests));
    }

    static <T extends Message> Maps<T> empty() {
      return new Maps<>(Map.of(), Map.of(), Map.of());
    }
  }

  /** Shared maps under one client's version of the type. Immutable. */
  private static final class VersionedResources<T extends Message> extends SnapshotResources<T> {
    private final Maps<T> maps;
    private final ResourceVersionResolver resolver;

    VersionedResources(Maps<T> maps, String version) {
      this.maps = maps;
      this.resolver = names -> version;
    }

    @Override
    public Map<String, VersionedResource<T>> versionedResources() {
      return maps.versioned();
    }

    @Override
    public Map<String, T> resources() {
      return maps.plain();
    }

    @Override
    public ResourceVersionResolver resourceVersionResolver() {
      return resolver;
    }
  }

  /** One client's snapshot. Immutable. */
  private static final class SharedSnapshot extends Snapshot {
    private final SnapshotResources<Cluster> clusters;
    private final SnapshotResources<ClusterLoadAssignment> endpoints;
    private final SnapshotResources<Listener> listeners;
    private final SnapshotResources<RouteConfiguration> routes;
    private final SnapshotResources<Secret> secrets;

    SharedSnapshot(
        SnapshotResources<Cluster> clusters,
        SnapshotResources<ClusterLoadAssignment> endpoints,
        SnapshotResources<Listener> listeners,
        SnapshotResources<RouteConfiguration> routes,
        SnapshotResources<Secret> secrets) {
      this.clusters = clusters;
      this.endpoints = endpoints;
      this.listeners = listeners;
      this.routes = routes;
      this.secrets = secrets;
    }

    @Override
    public SnapshotResources<Cluster> clusters() {
      return clusters;
    }

    @Override
    public SnapshotResources<ClusterLoadAssignment> endpoints() {
      return endpoints;
    }

    @Override
    public SnapshotResources<Listener> listeners() {
      return listeners;
    }

    @Override
    public SnapshotResources<RouteConfiguration> routes() {
      return routes;
    }

    @Override
    public SnapshotResources<Secret> secrets() {
      return secrets;
    }

    // Restates the v3 method so that javac sees the abstract one of the base class implemented
    // (the two differ only in how their generic return types are spelled).
    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Map versionedResources(ResourceType type) {
      return super.versionedResources(type);
    }
  }
}
