package dev.bowline.kernel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ControlPlane;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

/** The simulated proxies read what a full decode of a response gives. */
class PackedResponseTest {

  @Test
  void readsVersionTypeNonceAndEachResourcesValue() {
    Cluster a = Cluster.newBuilder().setName("outbound|9080||a").build();
    Cluster b = Cluster.newBuilder().setName("outbound|9080||b").build();
    DiscoveryResponse response =
        DiscoveryResponse.newBuilder()
            .setVersionInfo("7-abcdef01")
            .setTypeUrl("type.googleapis.com/envoy.config.cluster.v3.Cluster")
            .setNonce("12")
            .addResources(Any.pack(a))
            .addResources(Any.pack(b))
            .setControlPlane(ControlPlane.newBuilder().setIdentifier("pilot")) // skipped
            .build();

    PackedResponse read =
        PackedResponse.ADS.parseResponse(new ByteArrayInputStream(response.toByteArray()));

    assertThat(read.version()).isEqualTo("7-abcdef01");
    assertThat(read.typeUrl()).isEqualTo("type.googleapis.com/envoy.config.cluster.v3.Cluster");
    assertThat(read.nonce()).isEqualTo("12");
    assertThat(read.values()).containsExactly(a.toByteString(), b.toByteString());
    assertThat(read.size()).isEqualTo(response.getSerializedSize());
  }
}
