package dev.bowline.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Draining under load: requests accepted before the drain all complete; none fails half-way. */
class DrainTest {

  @Test
  void drainUnderLoadLosesNoAcceptedRequest() throws Exception {
    try (TestUpstream app = new TestUpstream("app")) {
      ProxyServer proxy = new ProxyServer(2, BuiltinLoadBalancers.newRegistry(), f -> null, new MetricRegistry());
      proxy.apply(
          TestConfigs.proxy(
              TestConfigs.listener(
                  "ingress",
                  TestConfigs.http(
                      TestConfigs.routes("virtual_hosts: [{name: all, domains: ['*'], routes: [{match: {prefix: '/'}, route: {cluster: app}}]}]"))),
              TestConfigs.cluster("app", app.port())));
      int port = proxy.listenerAddress("ingress").orElseThrow().getPort();
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

      AtomicInteger ok = new AtomicInteger();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      AtomicBoolean drainStarted = new AtomicBoolean();
      AtomicBoolean stop = new AtomicBoolean();
      CountDownLatch warm = new CountDownLatch(40);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      for (int t = 0; t < 8; t++) {
        pool.execute(
            () -> {
              for (int i = 0; i < 500 && !stop.get(); i++) {
                try {
                  HttpResponse<String> r =
                      client.send(
                          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/delay/20"))
                              .timeout(Duration.ofSeconds(20))
                              .build(),
                          HttpResponse.BodyHandlers.ofString());
                  if (r.statusCode() == 200 && r.body().equals("delayed by app")) {
                    ok.incrementAndGet();
                    warm.countDown();
                  } else {
                    failures.add(r.statusCode() + " " + r.body());
                  }
                } catch (ConnectException refused) {
                  if (!drainStarted.get()) {
                    failures.add("refused before the drain");
                  }
                  return; // the listener is closed: the request was never sent
                } catch (Exception e) {
                  failures.add(e.toString());
                }
              }
            });
      }
      assertThat(warm.await(30, TimeUnit.SECONDS)).isTrue();
      drainStarted.set(true);
      int left = proxy.drain(Duration.ofSeconds(10));
      stop.set(true);
      pool.shutdown();
      assertThat(pool.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
      proxy.close();

      assertThat(left).as("connections still open when the drain window ended").isZero();
      assertThat(List.copyOf(failures)).as("requests that failed").isEmpty();
      assertThat(ok.get()).isGreaterThanOrEqualTo(40);
    }
  }
}
