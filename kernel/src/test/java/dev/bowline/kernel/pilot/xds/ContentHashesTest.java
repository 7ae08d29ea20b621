package dev.bowline.kernel.pilot.xds;

import static dev.bowline.kernel.pilot.xds.TestEnvoyResources.edsCluster;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContentHashesTest {

  private final List<Message> digested = new ArrayList<>();
  private final ContentHashes hashes =
      new ContentHashes(
          resource -> {
            digested.add(resource);
            return ResourceHash.digestOf(resource);
          });

  @Test
  void aListSharedByManyClientsIsHashedOnceAndGivesTheUnmemoizedHash() {
    List<Cluster> shared = List.of(edsCluster("a"), edsCluster("b"));

    String first = hashes.of(shared);
    for (int client = 0; client < 199; client++) {
      assertThat(hashes.of(shared)).isEqualTo(first);
    }

    assertThat(first).isEqualTo(ResourceHash.of(shared));
    assertThat(digested).containsExactlyInAnyOrderElementsOf(shared);
  }

  @Test
  void aResourceSharedByTwoListsIsDigestedOnce() {
    Cluster a = edsCluster("a");
    Cluster b = edsCluster("b");

    String ab = hashes.of(List.of(a, b));
    String ba = hashes.of(List.of(b, a));
    String aOnly = hashes.of(List.of(a));

    assertThat(ba).isEqualTo(ab);
    assertThat(aOnly).isNotEqualTo(ab).isEqualTo(ResourceHash.of(List.of(a)));
    assertThat(digested).containsExactly(a, b);
  }

  @Test
  void equalContentInAnotherObjectIsDigestedAgainAndHashesTheSame() {
    List<Cluster> before = List.of(edsCluster("a"));
    List<Cluster> after = List.of(edsCluster("a"));

    assertThat(hashes.of(after)).isEqualTo(hashes.of(before));
    assertThat(digested).hasSize(2);
  }

  @Test
  void theNextPushReusesWhatTheLastOneDigestedAndOnlyThat() {
    List<Cluster> shared = List.of(edsCluster("a"));
    Cluster other = edsCluster("b");
    String first = hashes.of(shared);
    hashes.versionOf(other);

    hashes.nextPush();
    assertThat(hashes.of(shared)).isEqualTo(first);
    assertThat(hashes.of(List.of(shared.get(0)))).as("a new list of a digested resource").isEqualTo(first);
    assertThat(digested).as("nothing digested again").hasSize(2);

    hashes.nextPush();
    hashes.nextPush();
    hashes.versionOf(other);
    assertThat(hashes.of(shared)).isEqualTo(first);
    assertThat(digested).as("forgotten after a push that did not use them").hasSize(4);
  }

  @Test
  void aResourceVersionIsItsContentDigest() {
    Cluster a = edsCluster("a");
    Cluster slower =
        a.toBuilder().setConnectTimeout(a.getConnectTimeout().toBuilder().setSeconds(9)).build();

    assertThat(hashes.versionOf(a))
        .matches("[0-9a-f]{64}")
        .isEqualTo(hashes.versionOf(edsCluster("a")))
        .isNotEqualTo(hashes.versionOf(slower));
  }
}
