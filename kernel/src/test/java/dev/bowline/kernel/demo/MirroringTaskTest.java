package dev.bowline.kernel.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Istio's "Mirroring" task, on Bookinfo's reviews: all traffic to v1, mirrored to v2. The page
 * only ever shows v1; v2 receives a copy of every request.
 */
class MirroringTaskTest {

  @RegisterExtension static final RunningBookinfo bookinfo = new RunningBookinfo();

  @Test
  void v2ReceivesACopyOfEveryRequestAndTheUserOnlySeesV1() {
    bookinfo.apply("virtual-service-all-v1.yaml");
    bookinfo.awaitPages(Optional.empty(), 10, p -> p.reviewsVersion().equals(Optional.of("v1")));
    bookinfo.apply("virtual-service-reviews-v1-mirror-v2.yaml");
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      double before = v2Requests();
      bookinfo.page();
      return v2Requests() > before;
    });

    double before = v2Requests();
    for (int i = 0; i < 50; i++) {
      BookinfoPage page = bookinfo.page();
      assertThat(page.reviewsServedBy()).as(page.toString()).contains("reviews-v1");
      assertThat(page.stars()).isEqualTo("none");
    }
    await().atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(v2Requests() - before).isEqualTo(50));
    assertThat(bookinfo.stat(bookinfo.admin("productpage-v1"), "bowline_cluster_shadow_rq_total", "|v2|reviews"))
        .isGreaterThanOrEqualTo(50);
  }

  /** Requests reviews v2's sidecar passed to its application. */
  private static double v2Requests() {
    return bookinfo.stat(bookinfo.admin("reviews-v2"), "envoy_cluster_upstream_rq_total", "inbound");
  }
}
