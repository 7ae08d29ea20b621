package dev.bowline.proxy.xds;

import static dev.bowline.proxy.xds.EnvoyResources.httpListener;
import static dev.bowline.proxy.xds.EnvoyResources.routes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.proxy.config.Problems;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RdsInlinerTest {

  /** A listener with two HTTP chains, on routes {@code a} and {@code b}. */
  private static Listener twoChains() {
    Listener a = httpListener("l", "a");
    Listener b = httpListener("l", "b");
    return a.toBuilder()
        .addFilterChains(b.getFilterChains(0).toBuilder()
            .setFilterChainMatch(
                io.envoyproxy.envoy.config.listener.v3.FilterChainMatch.newBuilder()
                    .addServerNames("b.example")))
        .build();
  }

  private static HttpConnectionManager hcm(Listener listener, int chain) throws Exception {
    return listener.getFilterChains(chain).getFilters(0).getTypedConfig()
        .unpack(HttpConnectionManager.class);
  }

  @Test
  void findsTheRouteNamesOfEveryChain() {
    assertThat(RdsInliner.routeNames(twoChains())).containsExactly("a", "b");
  }

  @Test
  void replacesEachRdsByTheRouteConfigurationItNames() throws Exception {
    Map<String, RouteConfiguration> received =
        Map.of("a", routes("a", "cluster-a"), "b", routes("b", "cluster-b"));

    Listener inlined = RdsInliner.inline(twoChains(), received::get);

    assertThat(hcm(inlined, 0).hasRds()).isFalse();
    assertThat(hcm(inlined, 0).getRouteConfig()).isEqualTo(received.get("a"));
    assertThat(hcm(inlined, 1).getRouteConfig()).isEqualTo(received.get("b"));
    assertThat(hcm(inlined, 1).getStatPrefix()).isEqualTo("ingress_http");
    assertThat(RdsInliner.routeNames(inlined)).isEmpty();
  }

  @Test
  void aListenerWithInlineRoutesIsLeftAsItIs() {
    Listener inline = RdsInliner.inline(httpListener("l", "a"), name -> routes(name, "c"));

    assertThat(RdsInliner.inline(inline, name -> null)).isSameAs(inline);
  }

  @Test
  void anRdsWithoutARouteNameIsReported() throws Exception {
    Listener listener = httpListener("l", "a");
    HttpConnectionManager nameless =
        hcm(listener, 0).toBuilder().setRds(Rds.newBuilder().setConfigSource(EnvoyResources.ads()))
            .build();
    Listener broken =
        listener.toBuilder()
            .setFilterChains(0, listener.getFilterChains(0).toBuilder()
                .setFilters(0, listener.getFilterChains(0).getFilters(0).toBuilder()
                    .setTypedConfig(com.google.protobuf.Any.pack(nameless))))
            .build();
    Problems problems = new Problems();

    RdsInliner.check(broken, "listeners[\"l\"]", problems);

    assertThat(problems.list())
        .containsExactly("listeners[\"l\"].filter_chains[0].filters[0].typed_config.rds"
            + ".route_config_name: required");
  }
}
