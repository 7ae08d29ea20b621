package dev.bowline.proxy.upstream.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Envoy's "fuzzy" matching of TCP health-check answers. */
class TcpPayloadMatchTest {

  private static boolean matches(String data, String... payloads) {
    return TcpCheckClient.matches(data.getBytes(StandardCharsets.UTF_8),
        List.of(payloads).stream().map(ByteString::copyFromUtf8).toList());
  }

  @Test
  void eachPayloadMustAppearInOrderNotNecessarilyAdjacent() {
    assertThat(matches("PONG", "PONG")).isTrue();
    assertThat(matches("xxPOyyNGzz", "PO", "NG")).isTrue();
    assertThat(matches("NGPO", "PO", "NG")).isFalse();
    assertThat(matches("PON", "PONG")).isFalse();
    assertThat(matches("POPO", "PO", "PO")).isTrue();
    assertThat(matches("PO", "PO", "PO")).isFalse();
  }
}
