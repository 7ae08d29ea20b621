package dev.bowline.kernel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import org.junit.jupiter.api.Test;

/** The simulated proxies read the same name and EDS subscription a full decode gives. */
class PackedClusterTest {

  private static Cluster.Builder eds(String name) {
    return Cluster.newBuilder().setName(name).setType(Cluster.DiscoveryType.EDS)
        .setConnectTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(10))
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder()
            .setEdsConfig(ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())));
  }

  @Test
  void readsNameTypeAndServiceName() {
    Cluster withService = eds("outbound|9080||reviews").setEdsClusterConfig(
        eds("x").getEdsClusterConfig().toBuilder().setServiceName("outbound|9080||reviews.default")).build();
    assertThat(PackedCluster.of(withService.toByteString()))
        .isEqualTo(new PackedCluster(utf8("outbound|9080||reviews"), true, utf8("outbound|9080||reviews.default")));

    assertThat(PackedCluster.of(eds("outbound|9080|v1|ratings").build().toByteString()))
        .isEqualTo(new PackedCluster(utf8("outbound|9080|v1|ratings"), true, utf8("outbound|9080|v1|ratings")));

    Cluster staticCluster = Cluster.newBuilder().setName("inbound|9080||").setType(Cluster.DiscoveryType.STATIC).build();
    assertThat(PackedCluster.of(staticCluster.toByteString()).eds()).isFalse();
    Cluster dns = Cluster.newBuilder().setName("outbound|443||api.example.com")
        .setType(Cluster.DiscoveryType.STRICT_DNS).build();
    assertThat(PackedCluster.of(dns.toByteString()))
        .isEqualTo(new PackedCluster(utf8("outbound|443||api.example.com"), false, utf8("outbound|443||api.example.com")));
  }

  private static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }
}
