package dev.bowline.kernel.demo.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.kernel.plugin.PluginHostConfig;
import dev.bowline.kernel.proxy.ProxyRuntime;
import dev.bowline.proxy.stats.MetricRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The services calling each other through a real Bowline proxy used as their sidecar's outbound
 * listener ({@link Upstreams#viaSidecar(int)}), here configured by a static bootstrap that routes
 * by host as Pilot's outbound routes do: the JDK client's absolute-form requests are routed, and
 * the end-user and trace headers cross the proxy.
 */
class ThroughABowlineSidecarTest {

  @TempDir Path dir;
  private final RunningServices services = new RunningServices();
  private PluginHost plugins;
  private ProxyRuntime proxy;

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.drainAndStop(Duration.ZERO);
    }
    services.close();
    if (plugins != null) {
      plugins.close();
    }
  }

  @Test
  void thePageIsServedWithCallsRoutedByTheProxy() throws Exception {
    int ratings = services.start(BookinfoKind.RATINGS, "v1", Map.of()).port();
    RecordingRelay ratingsSeen = services.relayTo(ratings);
    int details = services.start(BookinfoKind.DETAILS, "v1", Map.of()).port();
    int outbound = Ports.free();
    int reviews = services.keep(BookinfoService.start(BookinfoKind.REVIEWS, "v3", 0, outbound)).port();
    Path bootstrap = dir.resolve("sidecar.yaml");
    Files.writeString(bootstrap, bootstrap(outbound,
        Map.of("details", details, "reviews", reviews, "ratings", ratingsSeen.port())));
    plugins = PluginHost.start(PluginHostConfig.of(dir.resolve("plugins")), new MetricRegistry());
    proxy = ProxyRuntime.start(bootstrap, 1, plugins);
    BookinfoService productpage =
        services.keep(BookinfoService.start(BookinfoKind.PRODUCTPAGE, "v1", 0, outbound));

    String page = services.get(productpage.port(), "/productpage",
        "Cookie", "user=jason", "x-b3-traceid", "463ac35c9f6413ad").body();

    assertThat(page).contains("<dt>Publisher:</dt>PublisherA", "<font color=\"red\">",
        "Reviews served by: reviews-v3-" + reviews, "<span class=\"user\">jason</span>");
    assertThat(ratingsSeen.last().headers()).containsEntry("end-user", "jason")
        .containsEntry("x-b3-traceid", "463ac35c9f6413ad");
  }

  /** One listener on {@code 127.0.0.1:<port>} with a virtual host per service, by bare host. */
  private static String bootstrap(int port, Map<String, Integer> services) {
    StringBuilder hosts = new StringBuilder();
    StringBuilder clusters = new StringBuilder();
    services.forEach((name, p) -> {
      hosts.append("""
                      - name: %1$s
                        domains: ["%1$s"]
                        routes:
                        - match: {prefix: "/"}
                          route: {cluster: %1$s}
          """.formatted(name));
      clusters.append("""
            - name: %1$s
              connect_timeout: 1s
              type: STATIC
              load_assignment:
                cluster_name: %1$s
                endpoints:
                - lb_endpoints:
                  - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %2$d}}}
          """.formatted(name, p));
    });
    return """
        static_resources:
          listeners:
          - name: outbound
            address: {socket_address: {address: 127.0.0.1, port_value: %d}}
            filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: outbound
                  http_filters:
                  - name: envoy.filters.http.router
                  route_config:
                    name: outbound
                    virtual_hosts:
        %s  clusters:
        %s""".formatted(port, hosts, clusters);
  }
}
