package dev.bowline.spi.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SpiffeIdTest {

  @Test
  void workloadIdentitiesUseIstiosPath() {
    SpiffeId id = new Workload("reviews-v2-1", "default", "reviews", Map.of()).identity("cluster.local");
    assertThat(id).hasToString("spiffe://cluster.local/ns/default/sa/reviews");
    assertThat(id.namespace()).contains("default");
    assertThat(id.serviceAccount()).contains("reviews");
  }

  @Test
  void parsesAndRoundTrips() {
    SpiffeId id = SpiffeId.parse("spiffe://example.org/ns/prod/sa/api");
    assertThat(id.trustDomain()).isEqualTo("example.org");
    assertThat(id.path()).isEqualTo("/ns/prod/sa/api");
    assertThat(SpiffeId.parse(id.toString())).isEqualTo(id);
    assertThat(SpiffeId.parse("spiffe://example.org/other").serviceAccount()).isEmpty();
  }

  @Test
  void rejectsWhatTheSpecificationForbids() {
    assertThatThrownBy(() -> SpiffeId.parse("https://example.org/ns/a/sa/b")).hasMessageContaining("spiffe://");
    assertThatThrownBy(() -> SpiffeId.parse("spiffe:///ns/a")).hasMessageContaining("no trust domain");
    assertThatThrownBy(() -> SpiffeId.parse("spiffe://Example.org/a")).hasMessageContaining("trust domain");
    assertThatThrownBy(() -> SpiffeId.parse("spiffe://example.org:8443/a")).hasMessageContaining("trust domain");
    assertThatThrownBy(() -> SpiffeId.parse("spiffe://example.org/a/../b")).hasMessageContaining("'..'");
    assertThatThrownBy(() -> SpiffeId.parse("spiffe://example.org/a//b")).hasMessageContaining("segment ''");
    assertThatThrownBy(() -> SpiffeId.parse("spiffe://example.org/a?x=1")).hasMessageContaining("query");
    assertThatThrownBy(() -> SpiffeId.forServiceAccount("cluster.local", "Default", "sa"))
        .hasMessageContaining("namespace 'Default'");
  }
}
