package dev.bowline.kernel.pilot.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostNamesTest {

  @Test
  void matchesWildcardsOnLeadingLabels() {
    assertThat(HostNames.matches("*", "anything.example.com")).isTrue();
    assertThat(HostNames.matches("*.example.com", "api.example.com")).isTrue();
    assertThat(HostNames.matches("*.example.com", "a.b.example.com")).isTrue();
    assertThat(HostNames.matches("*.example.com", "example.com")).isFalse();
    assertThat(HostNames.matches("reviews.default.svc.cluster.local", "Reviews.default.svc.cluster.local")).isTrue();
    assertThat(HostNames.matches("reviews.default.svc.cluster.local", "ratings.default.svc.cluster.local")).isFalse();
  }

  @Test
  void recognizesAddressesWithoutResolvingNames() {
    assertThat(HostNames.isIpAddress("10.0.0.1")).isTrue();
    assertThat(HostNames.isIpAddress("2001:db8::1")).isTrue();
    assertThat(HostNames.isIpAddress("::1")).isTrue();
    assertThat(HostNames.isIpAddress("256.0.0.1")).isFalse();
    assertThat(HostNames.isIpAddress("localhost")).isFalse();
    assertThat(HostNames.isIpAddress("abc:def")).isFalse();
    assertThat(HostNames.isIpOrCidr("10.0.0.0/8")).isTrue();
    assertThat(HostNames.isIpOrCidr("2001:db8::/32")).isTrue();
    assertThat(HostNames.isIpOrCidr("10.0.0.0/33")).isFalse();
  }

  @Test
  void checksDomainNames() {
    assertThat(HostNames.wildcardDomainError("*.example.com")).isEmpty();
    assertThat(HostNames.wildcardDomainError("reviews")).isEmpty();
    assertThat(HostNames.wildcardDomainError("istio.io.")).isEmpty();
    assertThat(HostNames.wildcardDomainError("a.*.com")).isPresent();
    assertThat(HostNames.wildcardDomainError("-bad.com")).isPresent();
    assertThat(HostNames.fqdnError("*.example.com")).isPresent();
    assertThat(HostNames.fqdnError("1.2.3.4")).contains("\"1.2.3.4\" is not a valid host name (top-level label \"4\" is numeric)");
  }
}
