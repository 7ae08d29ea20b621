package dev.bowline.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SubjectAltNameTrustManagerTest {

  private static boolean matches(List<String> certificateNames, String... accepted) {
    return SubjectAltNameTrustManager.matchesAny(certificateNames, List.of(accepted));
  }

  @Test
  void dnsNamesMatchExactlyWithoutRegardToCase() {
    List<String> names = List.of("DNS:API.example.com", "DNS:localhost");
    assertThat(matches(names, "api.example.com")).isTrue();
    assertThat(matches(names, "other.example.com", "localhost")).isTrue();
    assertThat(matches(names, "example.com")).isFalse();
  }

  @Test
  void aWildcardInTheCertificateCoversOneLabel() {
    List<String> names = List.of("DNS:*.example.com");
    assertThat(matches(names, "api.example.com")).isTrue();
    assertThat(matches(names, "a.b.example.com")).isFalse();
    assertThat(matches(names, "example.com")).isFalse();
    assertThat(matches(names, "*.example.com")).isTrue();
  }

  @Test
  void uriNamesMatchExactly() {
    List<String> names = List.of("URI:spiffe://cluster.local/ns/default/sa/api");
    assertThat(matches(names, "spiffe://cluster.local/ns/default/sa/api")).isTrue();
    assertThat(matches(names, "spiffe://cluster.local/ns/default/sa/API")).isFalse();
    assertThat(matches(names, "spiffe://cluster.local/ns/default")).isFalse();
  }

  @Test
  void aCertificateWithoutNamesMatchesNothing() {
    assertThat(matches(List.of(), "api.example.com")).isFalse();
  }
}
