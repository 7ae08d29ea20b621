package dev.bowline.proxy.filter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientAddressTest {

  @Test
  void atTheEdgeThePeerIsTheClientWhateverTheHeaderSays() {
    assertThat(ClientAddress.of("10.0.0.9", "1.2.3.4", true, 0)).isEqualTo("10.0.0.9");
  }

  @Test
  void behindAProxyTheLastForwardedForEntryIsTheClient() {
    assertThat(ClientAddress.of("10.0.0.9", "1.2.3.4, 5.6.7.8", false, 0)).isEqualTo("5.6.7.8");
    assertThat(ClientAddress.of("10.0.0.9", "1.2.3.4, 5.6.7.8", false, 1)).isEqualTo("1.2.3.4");
  }

  @Test
  void withoutEnoughEntriesThePeerIsTheClient() {
    assertThat(ClientAddress.of("10.0.0.9", null, false, 0)).isEqualTo("10.0.0.9");
    assertThat(ClientAddress.of("10.0.0.9", " ", false, 0)).isEqualTo("10.0.0.9");
    assertThat(ClientAddress.of("10.0.0.9", "1.2.3.4", false, 1)).isEqualTo("10.0.0.9");
  }
}
