package dev.bowline.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The flags a retry decision adds, printed as Envoy prints several flags. */
class ResponseFlagsTest {

  @Test
  void withoutRetryFlagsTheFlagStaysAsItIs() {
    assertThat(ResponseFlags.withRetryFlags("UF", false, false)).isEqualTo("UF");
    assertThat(ResponseFlags.withRetryFlags("-", false, false)).isEqualTo("-");
  }

  @Test
  void retryFlagsJoinInEnvoysOrder() {
    assertThat(ResponseFlags.withRetryFlags("-", false, true)).isEqualTo("URX");
    assertThat(ResponseFlags.withRetryFlags("UF", false, true)).isEqualTo("UF,URX");
    assertThat(ResponseFlags.withRetryFlags("UT", false, true)).isEqualTo("UT,URX");
    assertThat(ResponseFlags.withRetryFlags("-", true, false)).isEqualTo("UO");
    assertThat(ResponseFlags.withRetryFlags("UC", true, false)).isEqualTo("UC,UO");
    assertThat(ResponseFlags.withRetryFlags("DC", true, false)).isEqualTo("UO,DC");
    assertThat(ResponseFlags.withRetryFlags("UO", true, false)).isEqualTo("UO");
  }

  @Test
  void aFlagJoinsOthersInEnvoysOrder() {
    assertThat(ResponseFlags.with("-", "DI")).isEqualTo("DI");
    assertThat(ResponseFlags.with("FI", "DI")).isEqualTo("DI,FI");
    assertThat(ResponseFlags.with("UF,URX", "DI")).isEqualTo("UF,DI,URX");
    assertThat(ResponseFlags.with("DC", "DI")).isEqualTo("DI,DC");
    assertThat(ResponseFlags.with("DI", "DI")).isEqualTo("DI");
  }
}
