package dev.bowline.kernel.pilot.xds;

import static dev.bowline.kernel.pilot.xds.TestEnvoyResources.mesh;
import static dev.bowline.kernel.pilot.xds.TestEnvoyResources.prefixes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.kernel.pilot.translate.ProxyResources;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SharedSnapshotsTest {

  private final ContentHashes hashes = new ContentHashes();
  private final SharedSnapshots snapshots = new SharedSnapshots(hashes, new AssignmentDigests());

  private static Map<XdsResourceType, String> versions(String version) {
    Map<XdsResourceType, String> out = new EnumMap<>(XdsResourceType.class);
    for (XdsResourceType type : XdsResourceType.values()) {
      out.put(type, type.shortName() + "-" + version);
    }
    return out;
  }

  @Test
  void clientsHoldingTheSameListsShareTheirMapsAndKeepTheirOwnVersions() {
    ProxyResources shared = mesh(prefixes("/", "outbound|80||a", "/b", "outbound|80||b"));
    ProxyResources other =
        new ProxyResources(shared.clusters(), shared.endpoints(), List.of(), List.of());

    Snapshot first = snapshots.of(shared, versions("1"));
    Snapshot second = snapshots.of(other, versions("2"));

    assertThat(second.clusters().resources()).isSameAs(first.clusters().resources());
    assertThat(second.endpoints().versionedResources())
        .isSameAs(first.endpoints().versionedResources());
    assertThat(second.listeners().resources()).isEmpty();
    // clusters, endpoints, the first listeners and routes, and the empty list (List.of())
    assertThat(snapshots.memoized()).isEqualTo(5);
    assertThat(first.version(Resources.V3.CLUSTER_TYPE_URL)).isEqualTo("cds-1");
    assertThat(second.version(Resources.V3.CLUSTER_TYPE_URL, List.of("x"))).isEqualTo("cds-2");
    assertThat(first.version(Resources.V3.ROUTE_TYPE_URL)).isEqualTo("rds-1");
  }

  @Test
  void theMapsHoldTheResourcesByNameInListOrderVersionedByContent() {
    ProxyResources resources = mesh(prefixes("/", "outbound|80||b", "/a", "outbound|80||a"));

    Snapshot snapshot = snapshots.of(resources, versions("1"));

    assertThat(snapshot.clusters().resources().keySet())
        .containsExactly("outbound|80||b", "outbound|80||a");
    Cluster b = resources.clusters().get(0);
    assertThat(snapshot.clusters().resources().get("outbound|80||b")).isSameAs(b);
    assertThat(snapshot.resources(Resources.V3.CLUSTER_TYPE_URL).get("outbound|80||b").version())
        .isEqualTo(hashes.versionOf(b));
    assertThat(snapshot.resources(Resources.V3.LISTENER_TYPE_URL)).containsOnlyKeys("http");
    assertThat(snapshot.secrets().resources()).isEmpty();
  }

  @Test
  void clearDropsTheMemoizedMaps() {
    ProxyResources resources = mesh(prefixes("/", "outbound|80||a"));
    Snapshot before = snapshots.of(resources, versions("1"));

    snapshots.clear();
    Snapshot after = snapshots.of(resources, versions("1"));

    assertThat(after.clusters().resources())
        .isNotSameAs(before.clusters().resources())
        .isEqualTo(before.clusters().resources());
  }
}
