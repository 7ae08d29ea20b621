package dev.bowline.proxy.http.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HostAuthorityTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a",
        "example.com",
        "example.com:8080",
        "EXAMPLE.com:",
        "10.0.0.1:443",
        "[::1]",
        "[::1]:8080",
        "[fe80::1%25eth0]:80",
        "xn--bcher-kva.example",
        "svc_name.ns.svc.cluster.local:15006",
        "a-b~c!$&'()*+,;="
      })
  void accepts(String authority) {
    assertThat(HostAuthority.isValid(authority)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        ":80",
        "a:8x",
        "a:123456",
        "a:80:90",
        "[::1",
        "[]",
        "[::1]x",
        "[::1]:x",
        "a b",
        "user@host",
        "a/b",
        "a?b",
        "a#b",
        "a\\b",
        "caf\u00e9.example"
      })
  void rejects(String authority) {
    assertThat(HostAuthority.isValid(authority)).isFalse();
  }
}
