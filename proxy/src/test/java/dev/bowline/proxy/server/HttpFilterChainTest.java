package dev.bowline.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.proxy.config.ConfigException;
import dev.bowline.proxy.config.HttpFilterConfig;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers;
import dev.bowline.spi.filter.HttpFilterFactory;
import dev.bowline.spi.plugin.FactoryRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP filters from the spi, run in order around the router over real sockets. */
class HttpFilterChainTest {

  private TestUpstream app;
  private ProxyServer proxy;
  private int port;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static List<HttpFilterConfig> gate(String tag) {
    return List.of(
        new HttpFilterConfig(GateFilterFactory.NAME, Map.of("tag", tag)),
        new HttpFilterConfig(HttpFilterConfig.ROUTER, Map.of()));
  }

  @BeforeEach
  void start() throws Exception {
    app = new TestUpstream("app");
    FactoryRegistry<HttpFilterFactory<?>> filters = new FactoryRegistry<>("HTTP filter");
    filters.register(new GateFilterFactory());
    proxy = new ProxyServer(1, BuiltinLoadBalancers.newRegistry(), filters, f -> null, new MetricRegistry());
    proxy.apply(
        TestConfigs.proxy(
            TestConfigs.listener(
                "ingress",
                TestConfigs.http(
                    TestConfigs.routes("virtual_hosts: [{name: all, domains: ['*'], routes: [{match: {prefix: '/'}, route: {cluster: app}}]}]"),
                    gate("t1"))),
            TestConfigs.cluster("app", app.port())));
    port = proxy.listenerAddress("ingress").orElseThrow().getPort();
  }

  @AfterEach
  void stop() {
    proxy.close();
    app.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aFilterThatContinuesChangesTheRequestAndSeesTheResponse() throws Exception {
    HttpResponse<String> r = get("/open");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(app.seen.get(0).header("x-gate")).isEqualTo("passed-t1");
    assertThat(r.headers().firstValue("x-gate-response")).contains("t1");
  }

  @Test
  void aFilterThatStopsAnswersWithoutReachingTheUpstream() throws Exception {
    HttpResponse<String> r = get("/gate/deny/x");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).isEqualTo("denied by t1");
    assertThat(r.headers().firstValue("x-denied-by")).contains("t1");
    assertThat(app.requests.get()).isZero();
    assertThat(get("/after").statusCode()).as("the connection keeps serving").isEqualTo(200);
  }

  @Test
  void aFilterThatPausesResumesFromAnotherThreadWithoutBlockingTheEventLoop() throws Exception {
    var slow = client.sendAsync(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/gate/async/1"))
            .POST(HttpRequest.BodyPublishers.ofString("body-while-paused"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    // The single event loop keeps serving other requests while that one is paused.
    assertThat(get("/meanwhile").statusCode()).isEqualTo(200);
    HttpResponse<String> r = slow.get();
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("POST /gate/async/1").endsWith("body-while-paused");
    assertThat(app.seen.stream().filter(s -> s.path().startsWith("/gate/async")).findFirst().orElseThrow().header("x-gate"))
        .isEqualTo("async-t1");
  }

  @Test
  void anUnknownFilterOrABadFilterConfigurationIsAConfigurationError() {
    var unknown =
        TestConfigs.proxy(
            TestConfigs.listener(
                "ingress",
                TestConfigs.http(
                    TestConfigs.routes("virtual_hosts: [{name: all, domains: ['*'], routes: [{match: {prefix: '/'}, route: {cluster: app}}]}]"),
                    List.of(
                        new HttpFilterConfig("envoy.filters.http.cors", Map.of()),
                        new HttpFilterConfig(HttpFilterConfig.ROUTER, Map.of())))),
            TestConfigs.cluster("app", app.port()));
    assertThatThrownBy(() -> proxy.apply(unknown))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http_filters[0].name: no HTTP filter named 'envoy.filters.http.cors'");

    var badConfig =
        TestConfigs.proxy(
            TestConfigs.listener(
                "ingress",
                TestConfigs.http(
                    TestConfigs.routes("virtual_hosts: [{name: all, domains: ['*'], routes: [{match: {prefix: '/'}, route: {cluster: app}}]}]"),
                    List.of(
                        new HttpFilterConfig(GateFilterFactory.NAME, Map.of()),
                        new HttpFilterConfig(HttpFilterConfig.ROUTER, Map.of())))),
            TestConfigs.cluster("app", app.port()));
    assertThatThrownBy(() -> proxy.apply(badConfig))
        .hasMessageContaining("http_filters[0].typed_config.tag: is required");
  }
}
