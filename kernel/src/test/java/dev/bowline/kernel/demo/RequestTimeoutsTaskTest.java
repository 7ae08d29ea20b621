package dev.bowline.kernel.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Istio's "Request timeouts" task on Bookinfo: a 2 s delay on ratings slows the page down; a 0.5 s
 * timeout on reviews makes the page give up on reviews after about 1 s (two tries) instead.
 */
class RequestTimeoutsTaskTest {

  @RegisterExtension static final RunningBookinfo bookinfo = new RunningBookinfo();

  @Test
  void aHalfSecondReviewsTimeoutCutsATwoSecondRatingsDelayShort() {
    bookinfo.apply("virtual-service-all-v1.yaml");
    bookinfo.apply("virtual-service-ratings-delay-2s.yaml");
    bookinfo.apply("virtual-service-reviews-v2.yaml");
    bookinfo.awaitPages(Optional.empty(), 1,
        p -> p.stars().equals("black") && p.elapsed().compareTo(Duration.ofMillis(1_900)) > 0);
    BookinfoPage slow = bookinfo.page();
    assertThat(slow.stars()).as(slow.toString()).isEqualTo("black");
    assertThat(slow.elapsed()).as(slow.toString()).isGreaterThan(Duration.ofMillis(1_900));

    bookinfo.apply("virtual-service-reviews-v2-timeout.yaml");
    bookinfo.awaitPages(Optional.empty(), 1, BookinfoPage::reviewsUnavailable);
    BookinfoPage cut = bookinfo.page();
    assertThat(cut.reviewsUnavailable()).as(cut.toString()).isTrue();
    assertThat(cut.status()).isEqualTo(200);
    // productpage tries reviews twice, each cut at 0.5 s by the sidecar: about 1 s, not 2 s or more
    assertThat(cut.elapsed()).as(cut.toString())
        .isGreaterThan(Duration.ofMillis(900)).isLessThan(Duration.ofMillis(1_900));
    assertThat(bookinfo.stat(bookinfo.admin("productpage-v1"), "envoy_cluster_upstream_rq_timeout", "reviews"))
        .isGreaterThanOrEqualTo(2);
  }
}
