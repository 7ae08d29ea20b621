package dev.bowline.kernel.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Istio's "Traffic shifting" task on Bookinfo: reviews 50/50 between v1 and v3, then all v3. */
class TrafficShiftingTaskTest {

  @RegisterExtension static final RunningBookinfo bookinfo = new RunningBookinfo();

  @Test
  void fiftyFiftyBetweenV1AndV3ThenAllV3() throws Exception {
    bookinfo.apply("virtual-service-all-v1.yaml");
    bookinfo.awaitPages(Optional.empty(), 10, p -> p.reviewsVersion().equals(Optional.of("v1")));

    bookinfo.apply("virtual-service-reviews-50-v3.yaml");
    bookinfo.awaitPages(Optional.empty(), 1, p -> p.reviewsVersion().equals(Optional.of("v3")));
    Map<String, Long> shown = pages(1000).stream()
        .collect(Collectors.groupingBy(p -> p.reviewsVersion().orElse("none") + "/" + p.stars(),
            Collectors.counting()));
    assertThat(shown.keySet()).containsExactlyInAnyOrder("v1/none", "v3/red");
    assertThat(shown.get("v3/red")).as("v3's share of 1000 pages: %s", shown).isBetween(450L, 550L);

    bookinfo.apply("virtual-service-reviews-v3.yaml");
    bookinfo.awaitPages(Optional.empty(), 10, p -> p.reviewsVersion().equals(Optional.of("v3")));
    assertThat(pages(100)).allSatisfy(p -> {
      assertThat(p.reviewsVersion()).as(p.toString()).contains("v3");
      assertThat(p.stars()).isEqualTo("red");
    });
  }

  private static List<BookinfoPage> pages(int n) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<BookinfoPage>> pending = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        pending.add(pool.submit(() -> bookinfo.page()));
      }
      List<BookinfoPage> pages = new ArrayList<>();
      for (Future<BookinfoPage> f : pending) {
        BookinfoPage page = f.get();
        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        pages.add(page);
      }
      return pages;
    } finally {
      pool.shutdownNow();
    }
  }
}
