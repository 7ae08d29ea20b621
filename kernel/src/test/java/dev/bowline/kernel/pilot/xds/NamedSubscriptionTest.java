package dev.bowline.kernel.pilot.xds;

import static dev.bowline.kernel.pilot.xds.TestEnvoyResources.apiListener;
import static dev.bowline.kernel.pilot.xds.TestEnvoyResources.edsCluster;
import static dev.bowline.kernel.pilot.xds.TestEnvoyResources.endpoints;
import static dev.bowline.kernel.pilot.xds.TestEnvoyResources.sidecar;
import static dev.bowline.kernel.pilot.xds.XdsResourceType.ENDPOINTS;
import static dev.bowline.kernel.pilot.xds.XdsResourceType.LISTENERS;
import static dev.bowline.kernel.pilot.xds.XdsServerTest.CONTEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bowline.kernel.pilot.translate.ProxyResources;
import dev.bowline.kernel.pilot.xds.AdsTestClient.Received;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client that subscribes to resources by name gets, in every response, every subscribed name
 * Pilot has, even while it also subscribes to a name Pilot does not have.
 */
class NamedSubscriptionTest {

  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    Collections.reverse(toClose);
    for (AutoCloseable c : toClose) {
      c.close();
    }
  }

  private XdsServer start(SwitchableGenerator generator) throws IOException {
    XdsServer server =
        XdsServer.builder(generator, () -> CONTEXT)
            .address(new InetSocketAddress("127.0.0.1", 0))
            .debounce(Duration.ofMillis(20), Duration.ofSeconds(5))
            .start();
    toClose.add(server);
    return server;
  }

  @Test
  void aListenerPilotHasIsAnsweredAlthoughAnotherSubscribedOneIsMissing() throws IOException {
    SwitchableGenerator generator =
        new SwitchableGenerator(
            new ProxyResources(
                List.of(), List.of(), List.of(apiListener("echo:50051", "r")), List.of()));
    XdsServer server = start(generator);
    AdsTestClient client =
        AdsTestClient.connect(server.port(), sidecar("grpc-client").toEnvoyNode());
    toClose.add(client);

    client.subscribe(LISTENERS, "echo:50051", "missing:1");

    await().atMost(10, TimeUnit.SECONDS).until(() -> client.last(LISTENERS).isPresent());
    assertThat(client.last(LISTENERS).orElseThrow().names()).containsExactly("echo:50051");
  }

  @Test
  void everySubscribedNamePilotHasReachesTheClientThoughAnotherIsMissing() throws IOException {
    SwitchableGenerator generator =
        new SwitchableGenerator(
            new ProxyResources(
                List.of(edsCluster("a"), edsCluster("b")),
                List.of(endpoints("a", 9001), endpoints("b", 9002)),
                List.of(),
                List.of()));
    XdsServer server = start(generator);
    AdsTestClient client =
        AdsTestClient.connect(server.port(), sidecar("app").toEnvoyNode());
    toClose.add(client);
    client.subscribe(ENDPOINTS, "a", "b", "not-yet");
    await().atMost(10, TimeUnit.SECONDS).until(() -> client.last(ENDPOINTS).isPresent());

    generator.set(
        new ProxyResources(
            List.of(edsCluster("a"), edsCluster("b"), edsCluster("not-yet")),
            List.of(endpoints("a", 9001), endpoints("b", 9003), endpoints("not-yet", 9004)),
            List.of(),
            List.of()));
    server.requestPush("b moved, not-yet appeared");

    await()
        .atMost(10, TimeUnit.SECONDS)
        .until(() -> client.last(ENDPOINTS).orElseThrow().names().contains("not-yet"));
    List<Received> responses = client.received(ENDPOINTS);
    assertThat(responses.get(0).names()).containsExactlyInAnyOrder("a", "b");
    // The client holds a already: only what changed or appeared is sent again.
    assertThat(responses.get(responses.size() - 1).names())
        .containsExactlyInAnyOrder("b", "not-yet");
    assertThat(client.namesReceived(ENDPOINTS)).containsExactlyInAnyOrder("a", "b", "not-yet");
  }
}
