package dev.bowline.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.kernel.plugin.PluginHostConfig;
import dev.bowline.kernel.plugin.PluginState;
import dev.bowline.kernel.plugin.PluginStatus;
import dev.bowline.proxy.upstream.lb.BuiltinLoadBalancers;
import dev.bowline.spi.lb.LoadBalancerFactory;
import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import dev.bowline.spi.mixer.Attributes;
import dev.bowline.spi.mixer.CheckResult;
import dev.bowline.spi.mixer.PolicyAdapterFactory;
import dev.bowline.spi.mixer.TelemetryAdapterFactory;
import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.model.Hostname;
import dev.bowline.spi.platform.PlatformAdapterFactory;
import dev.bowline.spi.platform.PlatformSnapshot;
import dev.bowline.spi.platform.RegistrySink;
import dev.bowline.spi.plugin.FactoryRegistry;
import dev.bowline.spi.plugin.NamedFactory;
import dev.bowline.spi.plugin.PluginContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Loads the shipped plugins and the four plugins generated from the archetype through the kernel's
 * plugin host, from the unpacked distribution's plugins directory, and calls each extension. The
 * plugins' classes are not on this test's class path: they can only be reached through the host.
 */
class PluginsThroughTheHostIT {

  private static PluginHost host;
  private static MetricRegistry metrics;

  @BeforeAll
  static void loadPlugins() throws Exception {
    Distribution d = Distribution.unpack("through-the-host");
    for (GeneratedPlugins.Generated g : GeneratedPlugins.ALL) {
      Files.copy(g.jar(), d.plugins().resolve(g.jar().getFileName()));
    }
    metrics = new MetricRegistry();
    host =
        PluginHost.start(
            new PluginHostConfig(
                d.plugins(),
                Set.of(),
                Set.of(),
                Map.of("sample-policy", Map.of("deniedPathPrefix", "/admin"))),
            metrics);
  }

  @AfterAll
  static void close() {
    if (host != null) {
      host.close();
    }
  }

  private static <C> C config(NamedFactory<C> factory, Map<String, ?> raw) {
    var parsed = factory.parseConfig(raw);
    assertThat(parsed.errors()).isEmpty();
    return parsed.value();
  }

  private static UpstreamHost host(int port, int active) {
    Endpoint e = Endpoint.of("127.0.0.1", port);
    return new UpstreamHost() {
      public Endpoint endpoint() {
        return e;
      }

      public int activeRequests() {
        return active;
      }
    };
  }

  @Test
  void everyPluginStarts() {
    assertThat(host.plugins())
        .extracting(PluginStatus::id, PluginStatus::state)
        .contains(
            org.assertj.core.groups.Tuple.tuple("lb-least-request", PluginState.STARTED),
            org.assertj.core.groups.Tuple.tuple("lb-ring-hash", PluginState.STARTED),
            org.assertj.core.groups.Tuple.tuple("sample-lb", PluginState.STARTED),
            org.assertj.core.groups.Tuple.tuple("sample-policy", PluginState.STARTED),
            org.assertj.core.groups.Tuple.tuple("sample-telemetry", PluginState.STARTED),
            org.assertj.core.groups.Tuple.tuple("sample-platform", PluginState.STARTED));
    assertThat(host.hasFailures()).isFalse();
  }

  @Test
  @SuppressWarnings({"rawtypes", "unchecked"})
  void leastRequestIsFoundThroughTheHostAndPrefersIdleHosts() {
    assertThatThrownBy(
            () -> Class.forName("dev.bowline.plugins.lb.leastrequest.LeastRequestLoadBalancerFactory"))
        .as("the plugin is not on the class path")
        .isInstanceOf(ClassNotFoundException.class);

    FactoryRegistry<LoadBalancerFactory<?>> registry = BuiltinLoadBalancers.newRegistry();
    host.factories(LoadBalancerFactory.class).forEach(f -> registry.register(f));
    assertThat(registry.names())
        .contains("bowline.lb.round_robin", "bowline.lb.random", "bowline.lb.least_request");

    LoadBalancerFactory factory = registry.require("bowline.lb.least_request");
    PluginContext context = host.contextFor(factory);
    Picker picker =
        factory
            .newLoadBalancer(config(factory, Map.of("choiceCount", 2)), context)
            .newPicker(List.of(host(1, 10), host(2, 10), host(3, 0)));
    Map<Integer, Integer> counts = new HashMap<>();
    for (int i = 0; i < 90_000; i++) {
      counts.merge(picker.pick(PickContext.NONE).endpoint().port(), 1, Integer::sum);
    }
    // With two choices drawn uniformly with replacement, the idle host wins 5/9 of the time.
    assertThat(counts.get(3)).isBetween(48_000, 52_000);
  }

  @Test
  @SuppressWarnings({"rawtypes", "unchecked"})
  void theGeneratedLoadBalancerPicks() {
    LoadBalancerFactory factory =
        host.factory(LoadBalancerFactory.class, GeneratedPlugins.LOAD_BALANCER.extensionName()).orElseThrow();
    Picker picker =
        factory
            .newLoadBalancer(config(factory, Map.of()), host.contextFor(factory))
            .newPicker(List.of(host(1, 0), host(2, 0)));
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ports.add(picker.pick(PickContext.NONE).endpoint().port());
    }
    assertThat(ports).containsExactlyInAnyOrder(1, 2, 1, 2);
  }

  @Test
  @SuppressWarnings({"rawtypes", "unchecked"})
  void theGeneratedPolicyAdapterChecks() throws Exception {
    PolicyAdapterFactory factory =
        host.factory(PolicyAdapterFactory.class, GeneratedPlugins.POLICY.extensionName()).orElseThrow();
    PluginContext context = host.contextFor(factory);
    var adapter = factory.newAdapter(config(factory, context.config()), context);

    CheckResult denied =
        ((java.util.concurrent.CompletionStage<CheckResult>) adapter.check(Attributes.of("request.path", "/admin/users")))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    CheckResult allowed =
        ((java.util.concurrent.CompletionStage<CheckResult>) adapter.check(Attributes.of("request.path", "/productpage")))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);

    assertThat(denied.allowed()).isFalse();
    assertThat(denied.referencedAttributes()).contains("request.path");
    assertThat(allowed.allowed()).isTrue();
  }

  @Test
  @SuppressWarnings({"rawtypes", "unchecked"})
  void theGeneratedTelemetryAdapterCountsIntoTheHostsMetrics() {
    TelemetryAdapterFactory factory =
        host.factory(TelemetryAdapterFactory.class, GeneratedPlugins.TELEMETRY.extensionName()).orElseThrow();
    var adapter = factory.newAdapter(config(factory, Map.of()), host.contextFor(factory));

    adapter.report(List.of(Attributes.of("response.code", 200L), Attributes.of("response.code", 503L)));
    adapter.report(List.of(Attributes.of("response.code", 200L)));

    assertThat(metrics.renderPrometheus()).contains("sample_telemetry_records_total 3");
  }

  @Test
  @SuppressWarnings({"rawtypes", "unchecked"})
  void theGeneratedPlatformAdapterPublishesASnapshot() {
    PlatformAdapterFactory factory =
        host.factory(PlatformAdapterFactory.class, GeneratedPlugins.PLATFORM.extensionName()).orElseThrow();
    Map<String, Object> raw =
        Map.of(
            "services",
            List.of(
                Map.of(
                    "hostname", "echo.example.internal",
                    "ports", List.of(Map.of("name", "http", "number", 8080)),
                    "endpoints", List.of(Map.of("address", "127.0.0.1"), Map.of("address", "127.0.0.2")))));
    AtomicReference<PlatformSnapshot> seen = new AtomicReference<>();
    try (var adapter = factory.newAdapter(config(factory, raw), host.contextFor(factory))) {
      adapter.start(
          new RegistrySink() {
            public void replace(PlatformSnapshot snapshot) {
              seen.set(snapshot);
            }

            public void failed(String reason) {
              throw new AssertionError(reason);
            }
          });
    }

    PlatformSnapshot snapshot = seen.get();
    assertThat(snapshot).isNotNull();
    assertThat(snapshot.endpoints(Hostname.of("echo.example.internal"), "http"))
        .extracting(Endpoint::address)
        .containsExactlyInAnyOrder("127.0.0.1", "127.0.0.2");
  }

  @Test
  void theGeneratedPluginsAreListedAsStartedByBowlinectl() throws Exception {
    Distribution d = Distribution.unpack("generated-in-bowlinectl");
    for (GeneratedPlugins.Generated g : GeneratedPlugins.ALL) {
      Files.copy(g.jar(), d.plugins().resolve(g.jar().getFileName()));
    }

    Distribution.Result r = d.launch("bowlinectl", "plugins");

    assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
    for (GeneratedPlugins.Generated g : GeneratedPlugins.ALL) {
      assertThat(r.stdout()).containsPattern(g.pluginId() + "\\s+1\\.0\\.0\\s+STARTED\\s+\\S+ " + g.extensionName().replace(".", "\\."));
    }
    try (Stream<Path> files = Files.list(d.plugins())) {
      assertThat(files).as("the four shipped plugins and the generated ones")
          .hasSize(4 + GeneratedPlugins.ALL.size());
    }
  }
}
