package dev.bowline.kernel.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Istio's "Request routing" task on Bookinfo: every service to v1, then {@code end-user: jason} to
 * reviews v2, with the task's YAML unchanged.
 */
class RequestRoutingTaskTest {

  @RegisterExtension static final RunningBookinfo bookinfo = new RunningBookinfo();

  @Test
  void allToV1ThenJasonToV2() {
    bookinfo.apply("virtual-service-all-v1.yaml");
    bookinfo.awaitPages(Optional.empty(), 10, p -> p.reviewsVersion().equals(Optional.of("v1")));
    for (int i = 0; i < 20; i++) {
      BookinfoPage page = bookinfo.page();
      assertThat(page.reviewsServedBy()).as(page.toString()).contains("reviews-v1");
      assertThat(page.stars()).isEqualTo("none");
    }

    bookinfo.apply("virtual-service-reviews-test-v2.yaml");
    bookinfo.awaitPages(Optional.of("jason"), 10, p -> p.reviewsVersion().equals(Optional.of("v2")));
    for (int i = 0; i < 20; i++) {
      BookinfoPage jason = bookinfo.pageAs("jason");
      assertThat(jason.reviewsServedBy()).as(jason.toString()).contains("reviews-v2");
      assertThat(jason.stars()).isEqualTo("black");
      assertThat(jason.body()).contains("jason");
      BookinfoPage other = bookinfo.pageAs("alice");
      assertThat(other.reviewsServedBy()).as(other.toString()).contains("reviews-v1");
      assertThat(bookinfo.page().reviewsServedBy()).contains("reviews-v1");
    }
  }
}
