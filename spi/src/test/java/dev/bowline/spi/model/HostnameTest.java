package dev.bowline.spi.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HostnameTest {

  @Test
  void isLowercasedAndLosesATrailingDot() {
    assertThat(Hostname.of("Reviews.Default.svc.cluster.local.").value())
        .isEqualTo("reviews.default.svc.cluster.local");
  }

  @Test
  void wildcardsMatchSubdomainsOnly() {
    Hostname wildcard = Hostname.of("*.example.com");
    assertThat(wildcard.isWildcard()).isTrue();
    assertThat(wildcard.matches(Hostname.of("api.example.com"))).isTrue();
    assertThat(wildcard.matches(Hostname.of("a.b.example.com"))).isTrue();
    assertThat(wildcard.matches(Hostname.of("example.com"))).isFalse();
    assertThat(wildcard.matches(Hostname.of("badexample.com"))).isFalse();
    assertThat(Hostname.of("*").matches(Hostname.of("anything.io"))).isTrue();
    assertThat(Hostname.of("a.io").matches(Hostname.of("A.io"))).isTrue();
  }

  @Test
  void rejectsInvalidNamesWithTheReason() {
    assertThatThrownBy(() -> Hostname.of("")).hasMessageContaining("must not be empty");
    assertThatThrownBy(() -> Hostname.of("a..b")).hasMessageContaining("invalid label ''");
    assertThatThrownBy(() -> Hostname.of("a.*.b")).hasMessageContaining("invalid label '*'");
    assertThatThrownBy(() -> Hostname.of("-a.b")).hasMessageContaining("invalid label '-a'");
    assertThatThrownBy(() -> Hostname.of("a_b.c")).hasMessageContaining("invalid label 'a_b'");
  }
}
