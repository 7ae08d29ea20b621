package dev.bowline.kernel.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.kernel.demo.bookinfo.BookinfoKind;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bowline's active health checks on Bookinfo's reviews v1, two instances: the one whose {@code
 * /health} fails gets no traffic, and gets it again once it passes.
 */
class HealthCheckTaskTest {

  @RegisterExtension static final RunningBookinfo bookinfo = new RunningBookinfo();

  @Test
  void anInstanceFailingItsCheckGetsNoTrafficUntilItPasses() throws Exception {
    DemoWorkload second = bookinfo.demo().add(BookinfoKind.REVIEWS, "v1");
    bookinfo.apply("virtual-service-all-v1.yaml");
    bookinfo.apply("destination-rule-reviews-health-check.yaml");
    bookinfo.awaitPages(Optional.empty(), 1, p -> p.reviewsServedBy().equals(Optional.of("reviews-v1-2")));
    assertThat(servedBy(20)).containsExactlyInAnyOrder("reviews-v1", "reviews-v1-2");

    second.app().healthy(false);
    bookinfo.awaitPages(Optional.empty(), 20, p -> p.reviewsServedBy().equals(Optional.of("reviews-v1")));
    assertThat(servedBy(40)).containsExactly("reviews-v1");
    var productpage = bookinfo.admin("productpage-v1");
    assertThat(bookinfo.stat(productpage, "envoy_cluster_health_check_failure", "|v1|reviews")).isGreaterThanOrEqualTo(2);
    assertThat(bookinfo.stat(productpage, "envoy_cluster_membership_healthy", "|v1|reviews")).isEqualTo(1);

    second.app().healthy(true);
    bookinfo.awaitPages(Optional.empty(), 1, p -> p.reviewsServedBy().equals(Optional.of("reviews-v1-2")));
    assertThat(servedBy(20)).containsExactlyInAnyOrder("reviews-v1", "reviews-v1-2");
  }

  private static Set<String> servedBy(int pages) {
    Set<String> served = new HashSet<>();
    for (int i = 0; i < pages; i++) {
      BookinfoPage page = bookinfo.page();
      served.add(page.reviewsServedBy().orElse(page.toString()));
    }
    return served;
  }
}
