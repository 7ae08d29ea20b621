package dev.bowline.kernel.pilot.xds;

import static dev.bowline.kernel.pilot.xds.TestEnvoyResources.edsCluster;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceHashTest {

  @Test
  void theOrderOfTheResourcesDoesNotMatter() {
    assertThat(ResourceHash.of(List.of(edsCluster("a"), edsCluster("b"))))
        .isEqualTo(ResourceHash.of(List.of(edsCluster("b"), edsCluster("a"))))
        .matches("[0-9a-f]{64}");
  }

  @Test
  void anyChangeOfContentChangesTheHash() {
    Cluster a = edsCluster("a");
    Cluster slower =
        a.toBuilder().setConnectTimeout(a.getConnectTimeout().toBuilder().setSeconds(9)).build();

    assertThat(ResourceHash.of(List.of(a))).isNotEqualTo(ResourceHash.of(List.of(slower)));
    assertThat(ResourceHash.of(List.of(a))).isNotEqualTo(ResourceHash.of(List.of()));
    assertThat(ResourceHash.of(List.of(a, edsCluster("b"))))
        .isNotEqualTo(ResourceHash.of(List.of(a)));
  }

  @Test
  void mapFieldsHashTheSameWhateverTheirInsertionOrder() {
    Struct ab =
        Struct.newBuilder().putFields("a", text("1")).putFields("b", text("2")).build();
    Struct ba =
        Struct.newBuilder().putFields("b", text("2")).putFields("a", text("1")).build();

    assertThat(ResourceHash.of(List.of(withMetadata(ab))))
        .isEqualTo(ResourceHash.of(List.of(withMetadata(ba))));
  }

  private static Cluster withMetadata(Struct struct) {
    return edsCluster("a").toBuilder()
        .setMetadata(Metadata.newBuilder().putFilterMetadata("bowline", struct))
        .build();
  }

  private static Value text(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }
}
