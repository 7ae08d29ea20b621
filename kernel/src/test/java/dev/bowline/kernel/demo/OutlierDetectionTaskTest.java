package dev.bowline.kernel.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bowline.kernel.demo.bookinfo.BookinfoKind;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Outlier detection on Bookinfo's ratings, three instances under load: one is killed; the caller's
 * sidecar ejects it after at most five errors, and with a connect-failure retry fewer than 1% of
 * requests fail.
 */
class OutlierDetectionTaskTest {

  private static final String RATINGS_V1 = "|v1|ratings";
  private static final int CLIENTS = 4;

  @RegisterExtension static final RunningBookinfo bookinfo = new RunningBookinfo();

  @Test
  void aKilledInstanceIsEjectedAndRetriesHideIt() throws Exception {
    bookinfo.demo().add(BookinfoKind.RATINGS, "v1");
    DemoWorkload victim = bookinfo.demo().add(BookinfoKind.RATINGS, "v1");
    bookinfo.apply("destination-rule-ratings-outlier-detection.yaml");
    bookinfo.apply("virtual-service-ratings-retry-connect-failure.yaml");
    var productpage = bookinfo.admin("productpage-v1");
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      bookinfo.get("/api/v1/products/0/ratings");
      return bookinfo.stat(productpage, "envoy_cluster_membership_total", RATINGS_V1) == 3;
    });
    assertThat(load(200)).as("failures before the kill").isZero();

    victim.kill();
    int failed = load(1000);

    assertThat(failed).as("failed requests of 1000").isLessThan(10);
    assertThat(bookinfo.stat(productpage, "envoy_cluster_outlier_detection_ejections_enforced_total", RATINGS_V1))
        .isGreaterThanOrEqualTo(1);
    // five consecutive errors eject; requests already sent to it when it is ejected add at most
    // one each per other client
    assertThat(bookinfo.stat(productpage, "envoy_cluster_upstream_cx_connect_fail", RATINGS_V1))
        .isBetween(5.0, 5.0 + CLIENTS - 1);
  }

  /** {@code n} ratings requests through the gateway from {@link #CLIENTS} clients; the failures. */
  private static int load(int n) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    try {
      List<Future<HttpResponse<String>>> pending = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        pending.add(pool.submit(() -> bookinfo.get("/api/v1/products/0/ratings")));
      }
      int failed = 0;
      for (Future<HttpResponse<String>> f : pending) {
        if (f.get().statusCode() != 200) {
          failed++;
        }
      }
      return failed;
    } finally {
      pool.shutdownNow();
    }
  }
}
