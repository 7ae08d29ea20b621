package dev.bowline.kernel.demo.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BookinfoOptionsTest {

  @Test
  void theOriginalTimeouts() {
    BookinfoTimeouts t = BookinfoTimeouts.ORIGINAL;

    assertThat(t.details()).isEqualTo(Duration.ofSeconds(3));
    assertThat(t.reviewsPerTry()).isEqualTo(Duration.ofSeconds(3));
    assertThat(t.reviewsAttempts()).isEqualTo(2);
    assertThat(t.ratings()).isEqualTo(Duration.ofSeconds(3));
    assertThat(t.ratingsFromV2()).isEqualTo(Duration.ofSeconds(10));
    assertThat(t.ratingsFromV3()).isEqualTo(Duration.ofMillis(2500));
    assertThat(BookinfoOptions.of(BookinfoKind.PRODUCTPAGE, "v1", 0, Upstreams.viaSidecar(15001))
        .timeouts()).isEqualTo(t);
  }

  @Test
  void badTimeoutsNameTheirField() {
    assertThatThrownBy(() -> new BookinfoTimeouts(Duration.ZERO, Duration.ofSeconds(1), 2,
        Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeouts.details");
    assertThatThrownBy(() -> BookinfoTimeouts.all(Duration.ofSeconds(-1)))
        .hasMessageContaining("timeouts.details");
    assertThatThrownBy(() -> new BookinfoTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), 0,
        Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)))
        .hasMessage("timeouts.reviewsAttempts: must be at least 1, got 0");
  }

  @Test
  void anUnknownVersionIsRefusedWithTheVersionsThereAre() {
    assertThatThrownBy(() -> BookinfoOptions.of(BookinfoKind.REVIEWS, "v4", 0, Upstreams.viaSidecar(15001)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("version: reviews has versions v1, v2, v3; got 'v4'");
    assertThatThrownBy(() -> BookinfoService.start(BookinfoKind.RATINGS, "v2", 0, 15001))
        .hasMessage("version: ratings has versions v1; got 'v2'");
  }

  @Test
  void directUpstreamsMustReachEveryServiceCalled() {
    assertThatThrownBy(() -> BookinfoOptions.of(BookinfoKind.PRODUCTPAGE, "v1", 0,
        Upstreams.direct(Map.of("details", Ports.local(1)))))
        .hasMessage("upstreams: productpage v1 calls ratings, reviews, which the upstreams do not reach");
    assertThatThrownBy(() -> BookinfoOptions.of(BookinfoKind.REVIEWS, "v2", 0, Upstreams.direct(Map.of())))
        .hasMessageContaining("calls ratings");
    assertThat(BookinfoOptions.of(BookinfoKind.REVIEWS, "v1", 0, Upstreams.direct(Map.of())).kind())
        .isEqualTo(BookinfoKind.REVIEWS);
  }

  @Test
  void aSidecarNeedsItsPort() {
    assertThatThrownBy(() -> Upstreams.viaSidecar(0))
        .hasMessage("upstreams.outbound: the sidecar's port is required, got 0");
    assertThatThrownBy(() -> Upstreams.viaSidecar(15001, 70000))
        .hasMessage("upstreams.servicePort: must be 1 to 65535, got 70000");
  }

  @Test
  void kindsByServiceName() {
    assertThat(BookinfoKind.of("reviews")).isEqualTo(BookinfoKind.REVIEWS);
    assertThat(BookinfoKind.PRODUCTPAGE.calls("v1")).containsExactlyInAnyOrder("details", "reviews", "ratings");
    assertThat(BookinfoKind.REVIEWS.calls("v1")).isEmpty();
    assertThatThrownBy(() -> BookinfoKind.of("frontend"))
        .hasMessage("unknown Bookinfo service 'frontend' (one of productpage, details, reviews, ratings)");
  }
}
