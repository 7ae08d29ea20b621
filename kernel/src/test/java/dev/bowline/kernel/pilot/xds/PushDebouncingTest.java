package dev.bowline.kernel.pilot.xds;

import static dev.bowline.kernel.pilot.xds.TestEnvoyResources.mesh;
import static dev.bowline.kernel.pilot.xds.TestEnvoyResources.prefixes;
import static dev.bowline.kernel.pilot.xds.TestEnvoyResources.sidecar;
import static dev.bowline.kernel.pilot.xds.XdsResourceType.CLUSTERS;
import static dev.bowline.kernel.pilot.xds.XdsServerTest.CONTEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bowline.kernel.pilot.node.ProxyNode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PushDebouncingTest {

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    Collections.reverse(toClose);
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private XdsServer start(SwitchableGenerator generator, Duration quiet, Duration max)
      throws IOException {
    XdsServer server =
        XdsServer.builder(generator, () -> CONTEXT)
            .address(new InetSocketAddress("127.0.0.1", 0))
            .debounce(quiet, max)
            .start();
    toClose.add(server);
    return server;
  }

  private AdsTestClient connect(XdsServer server, ProxyNode node) {
    AdsTestClient client = AdsTestClient.connect(server.port(), node.toEnvoyNode());
    toClose.add(client);
    return client;
  }

  @Test
  void requestsInAQuietWindowMakeOnePush() throws IOException {
    SwitchableGenerator generator = new SwitchableGenerator(mesh(prefixes("/", "a")));
    XdsServer server = start(generator, Duration.ofMillis(50), Duration.ofSeconds(60));
    generator.holdNextCall(); // the first generation keeps the push thread busy
    connect(server, sidecar("app")).subscribe(CLUSTERS);
    await().atMost(10, TimeUnit.SECONDS).until(generator::holding);

    for (int i = 0; i < 20; i++) {
      server.requestPush("change " + i);
    }
    generator.release();

    await().atMost(10, TimeUnit.SECONDS).until(() -> server.lastPush().isPresent());
    PushSummary push = server.lastPush().orElseThrow();
    assertThat(push.number()).isEqualTo(1);
    assertThat(push.requests()).isEqualTo(20);
    assertThat(push.reasons()).hasSize(20).startsWith("change 0", "change 1").endsWith("change 19");
    assertThat(push.proxies()).isEqualTo(1);
    assertThat(generator.calls()).isEqualTo(2); // the first generation and one push
  }

  @Test
  void continuousRequestsArePushedAfterTheMaximumDelay() throws IOException {
    SwitchableGenerator generator = new SwitchableGenerator(mesh(prefixes("/", "a")));
    // The quiet period never passes while requests keep coming: only the maximum delay can push.
    XdsServer server = start(generator, Duration.ofSeconds(30), Duration.ofMillis(200));
    connect(server, sidecar("app")).subscribe(CLUSTERS);
    await().atMost(10, TimeUnit.SECONDS).until(() -> generator.calls() == 1);
    ScheduledExecutorService requester = Executors.newSingleThreadScheduledExecutor();
    toClose.add(requester::shutdownNow);
    AtomicInteger sent = new AtomicInteger();
    ScheduledFuture<?> requests =
        requester.scheduleAtFixedRate(
            () -> server.requestPush("tick " + sent.incrementAndGet()),
            0,
            5,
            TimeUnit.MILLISECONDS);

    await().atMost(10, TimeUnit.SECONDS).until(() -> server.lastPush().isPresent());

    assertThat(requests.isDone()).isFalse();
    requests.cancel(false);
    PushSummary push = server.lastPush().orElseThrow();
    assertThat(push.number()).isEqualTo(1);
    assertThat(push.requests()).isGreaterThan(1);
    assertThat(push.reasons()).first().isEqualTo("tick 1");
    assertThat(generator.calls()).isGreaterThanOrEqualTo(2);
  }
}
