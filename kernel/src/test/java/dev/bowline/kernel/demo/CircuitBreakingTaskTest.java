package dev.bowline.kernel.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
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
 * Istio's "Circuit breaking" task, on Bookinfo's productpage: with one connection and one pending
 * request allowed, concurrent requests through the gateway overflow; the overflow is answered 503
 * at once, flagged UO, and counted.
 */
class CircuitBreakingTaskTest {

  @RegisterExtension static final RunningBookinfo bookinfo = new RunningBookinfo();

  @Test
  void concurrentRequestsBeyondOneConnectionAndOnePendingAreRefusedWithUo() throws Exception {
    bookinfo.apply("virtual-service-all-v1.yaml");
    bookinfo.apply("destination-rule-productpage-circuit-breaker.yaml");

    List<HttpResponse<String>> burst = new ArrayList<>();
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      burst.clear();
      burst.addAll(concurrently(8, 5));
      return burst.stream().anyMatch(r -> r.statusCode() == 503);
    });

    List<HttpResponse<String>> refused = burst.stream().filter(r -> r.statusCode() == 503).toList();
    assertThat(burst).anySatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
    assertThat(refused).allSatisfy(r -> {
      assertThat(r.headers().firstValue("x-bowline-response-flags")).contains("UO");
      assertThat(r.body()).contains("overflow");
    });
    assertThat(bookinfo.stat(bookinfo.demo().gatewayAdminUrl(),
        "envoy_cluster_upstream_rq_pending_overflow", "productpage"))
        .isGreaterThanOrEqualTo(refused.size());

    // one at a time, nothing overflows
    for (int i = 0; i < 10; i++) {
      assertThat(bookinfo.page().status()).isEqualTo(200);
    }
  }

  private static List<HttpResponse<String>> concurrently(int clients, int each) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<HttpResponse<String>>> pending = new ArrayList<>();
      for (int i = 0; i < clients * each; i++) {
        pending.add(pool.submit(() -> bookinfo.send(
            HttpRequest.newBuilder(bookinfo.demo().productPageUrl()).timeout(Duration.ofSeconds(30)).build())));
      }
      List<HttpResponse<String>> responses = new ArrayList<>();
      for (Future<HttpResponse<String>> f : pending) {
        responses.add(f.get());
      }
      return responses;
    } finally {
      pool.shutdownNow();
    }
  }
}
