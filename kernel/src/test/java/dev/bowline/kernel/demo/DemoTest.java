package dev.bowline.kernel.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.kernel.plugin.PluginHostConfig;
import dev.bowline.kernel.pilot.config.ConfigStore;
import dev.bowline.proxy.stats.MetricRegistry;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bowline demo} end to end in one process: gateway, sidecars, apps and routing. */
class DemoTest {

  @TempDir Path dir;
  private PluginHost plugins;
  private Demo demo;
  private final HttpClient client = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    if (demo != null) {
      demo.close();
    }
    if (plugins != null) {
      plugins.close();
    }
  }

  @Test
  void theGatewayServesFrontendAndBackendWithTheRoutingExample() throws Exception {
    plugins = PluginHost.start(PluginHostConfig.of(dir.resolve("plugins")), new MetricRegistry());
    int gatewayPort;
    try (ServerSocket s = new ServerSocket(0)) {
      gatewayPort = s.getLocalPort();
    }
    demo = Demo.start(new DemoOptions(gatewayPort, 0, 0, dir.resolve("data")), plugins);

    Set<String> versions = new HashSet<>();
    for (int i = 0; i < 60; i++) {
      String body = get(HttpRequest.newBuilder(demo.gatewayUrl()));
      assertThat(body).startsWith("frontend v1").contains("-> backend v");
      versions.add(body.substring(body.indexOf("-> backend v") + 11, body.indexOf("-> backend v") + 13));
    }
    assertThat(versions).as("80/20 split over 60 requests").containsExactlyInAnyOrder("v1", "v2");
    for (int i = 0; i < 10; i++) {
      assertThat(get(HttpRequest.newBuilder(demo.gatewayUrl()).header("end-user", "jason")))
          .contains("-> backend v2");
    }

    assertThat(demo.controlPlane().store().apply("shift", DemoConfig.backendSplit(0), ConfigStore.API_SOURCE))
        .singleElement().satisfies(o -> assertThat(o.errorMessages()).isEmpty());
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      for (int i = 0; i < 20; i++) {
        assertThat(get(HttpRequest.newBuilder(demo.gatewayUrl()))).contains("-> backend v2");
      }
    });
  }

  private String get(HttpRequest.Builder request) throws Exception {
    HttpResponse<String> r = client.send(request.timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }
}
