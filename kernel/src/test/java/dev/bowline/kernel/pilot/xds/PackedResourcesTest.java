package dev.bowline.kernel.pilot.xds;

import static dev.bowline.kernel.pilot.xds.TestEnvoyResources.edsCluster;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.cache.Resources.ApiVersion;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackedResourcesTest {

  private final List<Message> packedOnes = new ArrayList<>();
  private final PackedResources packed =
      new PackedResources(
          resource -> {
            packedOnes.add(resource);
            return Any.pack(resource);
          });

  @Test
  void aResourceSentToManyClientsIsPackedOnce() {
    Cluster a = edsCluster("a");

    Any first = packed.serialize(a, ApiVersion.V3);
    for (int client = 0; client < 199; client++) {
      assertThat(packed.serialize(a, ApiVersion.V3)).isSameAs(first);
    }

    assertThat(packedOnes).containsExactly(a);
    assertThat(first).isEqualTo(Any.pack(a));
  }

  @Test
  void anEqualResourceInAnotherObjectIsPackedByItself() {
    Cluster a = edsCluster("a");
    Cluster same = edsCluster("a");

    Any fromSame = packed.serialize(same, ApiVersion.V3);
    assertThat(fromSame).isEqualTo(packed.serialize(a, ApiVersion.V3));
    assertThat(packedOnes).hasSize(2);
  }

  @Test
  void whatWasPackedTwoPushesAgoIsPackedAgain() {
    Cluster a = edsCluster("a");
    packed.serialize(a, ApiVersion.V3);

    packed.newPush();
    packed.serialize(a, ApiVersion.V3); // still known from the previous generation, kept
    assertThat(packedOnes).hasSize(1);

    packed.newPush();
    packed.newPush();
    packed.serialize(a, ApiVersion.V3);
    assertThat(packedOnes).hasSize(2);
  }

  @Test
  void aGenerationHitIsCarriedOverToTheNext() {
    Cluster a = edsCluster("a");
    packed.serialize(a, ApiVersion.V3);
    packed.newPush();
    packed.serialize(a, ApiVersion.V3);
    packed.newPush();

    packed.serialize(a, ApiVersion.V3);

    assertThat(packedOnes).hasSize(1);
  }

  @Test
  void packsOnTheWireAsAnyPackDoes() throws Exception {
    Cluster a = edsCluster("a");

    Any any = PackedResources.pack(a);

    assertThat(any.toByteString()).isEqualTo(Any.pack(a).toByteString());
    assertThat(Any.parseFrom(any.toByteString()).unpack(Cluster.class)).isEqualTo(a);
    assertThat(any.getTypeUrl()).isEqualTo("type.googleapis.com/envoy.config.cluster.v3.Cluster");
  }
}
