package dev.bowline.kernel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import org.junit.jupiter.api.Test;

/** Names and ports read from the wire form, as the simulated proxies read them. */
class ResourceNameReaderTest {

  @Test
  void readsTheNameOfASerializedResource() {
    ByteString value =
        ClusterLoadAssignment.newBuilder().setClusterName("outbound|9080||reviews").build()
            .toByteString();
    assertThat(ResourceNameReader.nameOf(value).toStringUtf8()).isEqualTo("outbound|9080||reviews");
  }

  @Test
  void readsThePortOfAnOutboundClusterName() {
    assertThat(port("outbound|9080||reviews.default.svc.cluster.local")).isEqualTo(9080);
    assertThat(port("outbound|80|v1|web")).isEqualTo(80);
    assertThat(port("inbound|9080||")).isEqualTo(-1);
    assertThat(port("outbound|||web")).isEqualTo(-1);
    assertThat(port("outbound|80x|v1|web")).isEqualTo(-1);
    assertThat(port("outbound|9080")).as("no end of the port").isEqualTo(-1);
  }

  private static int port(String name) {
    return ResourceNameReader.outboundPort(ByteString.copyFromUtf8(name));
  }
}
