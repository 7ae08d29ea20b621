package dev.bowline.kernel.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Istio's "Fault injection" task on Bookinfo: with every service on v1 and jason on reviews v2, a
 * 7 s delay on ratings for jason makes the page give up on reviews after productpage's two 3 s
 * tries; an HTTP abort makes reviews say ratings are unavailable. Other users are not affected.
 */
class FaultInjectionTaskTest {

  @RegisterExtension static final RunningBookinfo bookinfo = new RunningBookinfo();

  @BeforeEach
  void jasonOnV2() {
    bookinfo.apply("virtual-service-all-v1.yaml");
    bookinfo.apply("virtual-service-reviews-test-v2.yaml");
    bookinfo.awaitPages(Optional.of("jason"), 5, p -> p.stars().equals("black"));
  }

  @Test
  void aSevenSecondDelayForJasonShowsReviewsUnavailableAfterAboutSixSeconds() {
    bookinfo.apply("virtual-service-ratings-test-delay.yaml");
    bookinfo.awaitPages(Optional.of("jason"), 1, BookinfoPage::reviewsUnavailable);

    BookinfoPage jason = bookinfo.pageAs("jason");
    assertThat(jason.status()).isEqualTo(200);
    assertThat(jason.reviewsUnavailable()).as(jason.toString()).isTrue();
    assertThat(jason.detailsUnavailable()).isFalse();
    // productpage gives reviews 3 s and tries twice; reviews v2 would wait up to 10 s for ratings
    assertThat(jason.elapsed()).as(jason.toString())
        .isGreaterThan(Duration.ofMillis(5_500)).isLessThan(Duration.ofSeconds(7));
    assertThat(bookinfo.stat(bookinfo.admin("reviews-v2"), "envoy_http_fault_delays_injected", ""))
        .isGreaterThanOrEqualTo(2);

    for (int i = 0; i < 10; i++) {
      BookinfoPage other = bookinfo.page();
      assertThat(other.reviewsServedBy()).as(other.toString()).contains("reviews-v1");
      assertThat(other.elapsed()).isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void anAbortForJasonShowsRatingsUnavailable() {
    bookinfo.apply("virtual-service-ratings-test-abort.yaml");
    bookinfo.awaitPages(Optional.of("jason"), 5, BookinfoPage::ratingsUnavailable);

    BookinfoPage jason = bookinfo.pageAs("jason");
    assertThat(jason.reviewsServedBy()).as(jason.toString()).contains("reviews-v2");
    assertThat(jason.stars()).isEqualTo("none");
    assertThat(bookinfo.stat(bookinfo.admin("reviews-v2"), "envoy_http_fault_aborts_injected", ""))
        .isGreaterThanOrEqualTo(5);
    for (int i = 0; i < 10; i++) {
      BookinfoPage other = bookinfo.pageAs("alice");
      assertThat(other.reviewsServedBy()).as(other.toString()).contains("reviews-v1");
      assertThat(other.ratingsUnavailable()).isFalse();
    }
  }
}
