package ${package};

#if( $extensionPoint == 'load-balancer' )
#set( $kind = 'LOAD_BALANCER' )
#elseif( $extensionPoint == 'policy-adapter' )
#set( $kind = 'POLICY_ADAPTER' )
#elseif( $extensionPoint == 'telemetry-adapter' )
#set( $kind = 'TELEMETRY_ADAPTER' )
#else
#set( $kind = 'PLATFORM_ADAPTER' )
#end
import static org.assertj.core.api.Assertions.assertThat;

import dev.bowline.spi.plugin.CanonicalName;
import dev.bowline.spi.plugin.ConfigError;
import dev.bowline.spi.plugin.ConfigOrError;
import dev.bowline.spi.plugin.ExtensionPointKind;
import dev.bowline.spi.plugin.PluginContext;
import dev.bowline.spi.plugin.PluginMetrics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.pf4j.Extension;
import org.slf4j.Logger;
import org.slf4j.helpers.NOPLogger;
#if( $extensionPoint == 'load-balancer' )
import ${package}.SampleExtension.Config;
import ${package}.SampleExtension.Mode;
import dev.bowline.spi.lb.LoadBalancer;
import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import dev.bowline.spi.model.Endpoint;
#elseif( $extensionPoint == 'policy-adapter' )
import ${package}.SampleExtension.Config;
import dev.bowline.spi.mixer.Attributes;
import dev.bowline.spi.mixer.CheckResult;
import dev.bowline.spi.mixer.PolicyAdapter;
import java.time.Duration;
import java.util.Set;
#elseif( $extensionPoint == 'telemetry-adapter' )
import ${package}.SampleExtension.Config;
import dev.bowline.spi.mixer.Attributes;
import dev.bowline.spi.mixer.TelemetryAdapter;
#else
import ${package}.SampleExtension.Config;
import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.model.Hostname;
import dev.bowline.spi.model.Protocol;
import dev.bowline.spi.model.Service;
import dev.bowline.spi.model.ServicePort;
import dev.bowline.spi.platform.PlatformAdapter;
import dev.bowline.spi.platform.PlatformSnapshot;
import dev.bowline.spi.platform.RegistrySink;
#end

/** Unit tests of {@link SampleExtension}, with a stand-in for what Bowline gives a plugin. */
class SampleExtensionTest {

  private static final SampleExtension FACTORY = new SampleExtension();

  @Test
  void isANamedExtensionOfItsExtensionPoint() {
    assertThat(CanonicalName.isValid(FACTORY.name())).as(FACTORY.name()).isTrue();
    assertThat(FACTORY.priority()).isBetween(0, 10);
    assertThat(FACTORY.isAvailable()).isTrue();
    assertThat(FACTORY.metadata().description()).isNotBlank();
    assertThat(SampleExtension.class.isAnnotationPresent(Extension.class)).isTrue();
    assertThat(ExtensionPointKind.of(SampleExtension.class)).contains(ExtensionPointKind.${kind});
  }

  /**
   * Bowline finds extensions through META-INF/extensions.idx, which PF4J's annotation processor
   * writes at compile time. If this fails, the processor did not run: see annotationProcessorPaths
   * in pom.xml.
   */
  @Test
  void extensionIndexListsTheFactory() throws IOException {
    List<String> indexed = new ArrayList<>();
    Enumeration<URL> indexes = getClass().getClassLoader().getResources("META-INF/extensions.idx");
    while (indexes.hasMoreElements()) {
      try (BufferedReader in =
          new BufferedReader(
              new InputStreamReader(indexes.nextElement().openStream(), StandardCharsets.UTF_8))) {
        in.lines().map(String::trim).forEach(indexed::add);
      }
    }
    assertThat(indexed).contains(SampleExtension.class.getName());
  }

  @Test
  void acceptsAnEmptyConfigurationOrSaysWhatIsMissing() {
    ConfigOrError<Config> config = FACTORY.parseConfig(Map.of());
#if( $extensionPoint == 'policy-adapter' )
    assertThat(config.errors()).extracting(ConfigError::field).containsExactly("deniedPathPrefix");
#else
    assertThat(config.errors()).isEmpty();
#end
  }

#if( $extensionPoint == 'load-balancer' )
  @Test
  void parsesTheMode() {
    assertThat(FACTORY.parseConfig(Map.of()).value().mode()).isEqualTo(Mode.ROTATE);
    assertThat(FACTORY.parseConfig(Map.of("mode", "first")).value().mode()).isEqualTo(Mode.FIRST);
  }

  @Test
  void namesEveryBadField() {
    ConfigOrError<Config> config = FACTORY.parseConfig(Map.of("mode", "fastest", "weight", 3));

    assertThat(config.isOk()).isFalse();
    assertThat(config.errors())
        .extracting(ConfigError::field)
        .containsExactlyInAnyOrder("mode", "weight");
    assertThat(config.describeErrors()).contains("'fastest' is not one of ROTATE, FIRST");
  }

  @Test
  void rotatesThroughTheHosts() {
    UpstreamHost a = host("10.0.0.1");
    UpstreamHost b = host("10.0.0.2");
    UpstreamHost c = host("10.0.0.3");
    Picker picker = balancer(Mode.ROTATE).newPicker(List.of(a, b, c));

    List<UpstreamHost> picks = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      picks.add(picker.pick(PickContext.NONE));
    }

    assertThat(picks).containsExactly(a, b, c, a, b, c);
  }

  @Test
  void firstModeSticksToTheFirstHostAndFailsOverOnRetry() {
    UpstreamHost a = host("10.0.0.1");
    UpstreamHost b = host("10.0.0.2");
    Picker picker = balancer(Mode.FIRST).newPicker(List.of(a, b));
    PickContext retryAfterA =
        new PickContext() {
          @Override
          public boolean isExcluded(UpstreamHost host) {
            return host == a;
          }
        };

    assertThat(picker.pick(PickContext.NONE)).isSameAs(a);
    assertThat(picker.pick(PickContext.NONE)).isSameAs(a);
    assertThat(picker.pick(retryAfterA)).isSameAs(b);
  }

  @Test
  void reusesAHostWhenEveryOneWasTriedAndPicksNothingFromNoHosts() {
    UpstreamHost a = host("10.0.0.1");
    PickContext triedEverything =
        new PickContext() {
          @Override
          public boolean isExcluded(UpstreamHost host) {
            return true;
          }
        };

    assertThat(balancer(Mode.ROTATE).newPicker(List.of(a)).pick(triedEverything)).isSameAs(a);
    assertThat(balancer(Mode.ROTATE).newPicker(List.of()).pick(PickContext.NONE)).isNull();
  }

  private static LoadBalancer balancer(Mode mode) {
    return FACTORY.newLoadBalancer(new Config(mode), new FakeContext());
  }

  private static UpstreamHost host(String address) {
    return new TestHost(Endpoint.of(address, 8080));
  }

  /** A host as the proxy would show it, with no load. */
  private record TestHost(Endpoint endpoint) implements UpstreamHost {
    @Override
    public int activeRequests() {
      return 0;
    }
  }
#elseif( $extensionPoint == 'policy-adapter' )
  @Test
  void namesEveryBadField() {
    ConfigOrError<Config> config =
        FACTORY.parseConfig(
            Map.of("deniedPathPrefix", "admin", "validDuration", "soon", "mode", "strict"));

    assertThat(config.isOk()).isFalse();
    assertThat(config.errors())
        .extracting(ConfigError::field)
        .containsExactlyInAnyOrder("deniedPathPrefix", "validDuration", "mode");
  }

  @Test
  void deniesPathsUnderThePrefix() {
    PolicyAdapter adapter = adapter(Map.of("deniedPathPrefix", "/admin", "validDuration", "250ms"));

    CheckResult result = check(adapter, Attributes.of("request.path", "/admin/users"));

    assertThat(result.allowed()).isFalse();
    assertThat(result.grpcStatus()).isEqualTo(CheckResult.PERMISSION_DENIED);
    assertThat(result.message()).contains("/admin/users");
    assertThat(result.validDuration()).isEqualTo(Duration.ofMillis(250));
    assertThat(result.referencedAttributes()).isEqualTo(Set.of("request.path"));
  }

  @Test
  void allowsOtherPathsAndRequestsWithoutOne() {
    PolicyAdapter adapter = adapter(Map.of("deniedPathPrefix", "/admin"));

    CheckResult other = check(adapter, Attributes.of("request.path", "/public/admin"));
    CheckResult none = check(adapter, Attributes.EMPTY);

    assertThat(other.allowed()).isTrue();
    assertThat(other.validDuration()).isEqualTo(SampleExtension.DEFAULT_VALID_DURATION);
    assertThat(other.referencedAttributes()).isEqualTo(Set.of("request.path"));
    assertThat(none.allowed()).isTrue();
  }

  private static PolicyAdapter adapter(Map<String, ?> raw) {
    return FACTORY.newAdapter(FACTORY.parseConfig(raw).value(), new FakeContext());
  }

  private static CheckResult check(PolicyAdapter adapter, Attributes attributes) {
    return adapter.check(attributes).toCompletableFuture().join();
  }
#elseif( $extensionPoint == 'telemetry-adapter' )
  @Test
  void countsEveryReportedRecord() {
    FakeContext context = new FakeContext();
    Config config = FACTORY.parseConfig(Map.of()).value();
    try (TelemetryAdapter adapter = FACTORY.newAdapter(config, context)) {
      adapter.report(List.of(record("reviews"), record("ratings")));
      adapter.report(List.of(record("reviews")));
    }

    assertThat(context.count(SampleExtension.DEFAULT_COUNTER_NAME)).isEqualTo(3);
  }

  @Test
  void usesTheConfiguredCounter() {
    FakeContext context = new FakeContext();
    Map<String, Object> raw = Map.of("counterName", "mesh_records_total", "logBatches", true);
    Config config = FACTORY.parseConfig(raw).value();
    try (TelemetryAdapter adapter = FACTORY.newAdapter(config, context)) {
      adapter.report(List.of(record("reviews")));
    }

    assertThat(context.count("mesh_records_total")).isEqualTo(1);
  }

  @Test
  void namesEveryBadField() {
    ConfigOrError<Config> config =
        FACTORY.parseConfig(
            Map.of("counterName", "records-total", "logBatches", "yes", "format", 1));

    assertThat(config.isOk()).isFalse();
    assertThat(config.errors())
        .extracting(ConfigError::field)
        .containsExactlyInAnyOrder("counterName", "logBatches", "format");
  }

  private static Attributes record(String service) {
    return Attributes.of(
        "destination.service.host", service + ".default.svc.cluster.local",
        "response.code", 200L);
  }
#else
  @Test
  void publishesTheConfiguredServicesAndEndpoints() {
    Map<String, Object> raw =
        Map.of(
            "services",
            List.of(
                Map.of(
                    "hostname", "echo.example.internal",
                    "ports",
                        List.of(
                            Map.of("name", "http", "number", 8080),
                            Map.of("name", "grpc", "number", 9090, "targetPort", 19090)),
                    "endpoints",
                        List.of(
                            Map.of("address", "10.0.0.1"),
                            Map.of(
                                "address", "10.0.0.2",
                                "weight", 3,
                                "labels", Map.of("version", "v2"))))));
    ConfigOrError<Config> config = FACTORY.parseConfig(raw);
    assertThat(config.errors()).isEmpty();
    RecordingSink sink = new RecordingSink();

    try (PlatformAdapter adapter = FACTORY.newAdapter(config.value(), new FakeContext())) {
      adapter.start(sink);
    }

    assertThat(sink.snapshots).hasSize(1);
    PlatformSnapshot snapshot = sink.snapshots.get(0);
    Hostname echo = Hostname.of("echo.example.internal");
    assertThat(snapshot.services()).extracting(Service::hostname).containsExactly(echo);
    Service service = snapshot.services().get(0);
    assertThat(service.namespace()).isEqualTo("default");
    assertThat(service.ports())
        .extracting(ServicePort::protocol)
        .containsExactly(Protocol.HTTP, Protocol.GRPC);
    assertThat(snapshot.endpoints(echo, "http"))
        .extracting(Endpoint::authority)
        .containsExactly("10.0.0.1:8080", "10.0.0.2:8080");
    assertThat(snapshot.endpoints(echo, "grpc"))
        .extracting(Endpoint::authority)
        .containsExactly("10.0.0.1:19090", "10.0.0.2:19090");
    assertThat(snapshot.endpoints(echo, "grpc").get(1).weight()).isEqualTo(3);
    assertThat(snapshot.endpoints(echo, "grpc").get(1).labels()).containsEntry("version", "v2");
    assertThat(sink.failures).isEmpty();
  }

  @Test
  void namesEveryBadFieldByItsPath() {
    Map<String, Object> raw =
        Map.of(
            "color", "blue",
            "services",
            List.of(
                Map.of(
                    "hostname", "not a hostname",
                    "ports", List.of(Map.of("name", "http", "number", 70000)),
                    "endpoints", List.of(Map.of("weight", 2)))));

    ConfigOrError<Config> config = FACTORY.parseConfig(raw);

    assertThat(config.isOk()).isFalse();
    assertThat(config.errors())
        .extracting(ConfigError::field)
        .containsExactlyInAnyOrder(
            "color",
            "services[0].hostname",
            "services[0].ports[0].number",
            "services[0].endpoints[0].address");
  }

  @Test
  void publishesNothingOnceClosed() {
    RecordingSink sink = new RecordingSink();
    PlatformAdapter adapter =
        FACTORY.newAdapter(FACTORY.parseConfig(Map.of()).value(), new FakeContext());

    adapter.close();
    adapter.start(sink);

    assertThat(sink.snapshots).isEmpty();
  }

  /** Records what the adapter tells Pilot. */
  private static final class RecordingSink implements RegistrySink {
    final List<PlatformSnapshot> snapshots = new ArrayList<>();
    final List<String> failures = new ArrayList<>();

    @Override
    public synchronized void replace(PlatformSnapshot snapshot) {
      snapshots.add(snapshot);
    }

    @Override
    public synchronized void failed(String reason) {
      failures.add(reason);
    }
  }
#end

  /** What Bowline gives an extension, reduced to what a unit test needs. */
  static final class FakeContext implements PluginContext {

    private final Map<String, FakeCounter> counters = new ConcurrentHashMap<>();

    private final PluginMetrics metrics =
        new PluginMetrics() {
          @Override
          public Counter counter(String name, String help, Map<String, String> labels) {
            return counters.computeIfAbsent(key(name, labels), k -> new FakeCounter());
          }

          @Override
          public void gauge(
              String name, String help, Map<String, String> labels, DoubleSupplier value) {}
        };

    /** The value of the unlabelled counter {@code name}, or 0 if it was never registered. */
    long count(String name) {
      FakeCounter counter = counters.get(key(name, Map.of()));
      return counter == null ? 0 : counter.value();
    }

    private static String key(String name, Map<String, String> labels) {
      return name + labels;
    }

    @Override
    public String pluginId() {
      return "${pluginId}";
    }

    @Override
    public String hostVersion() {
      return "${bowlineVersion}";
    }

    @Override
    public Map<String, Object> config() {
      return Map.of();
    }

    @Override
    public ScheduledExecutorService scheduler() {
      throw new UnsupportedOperationException("the sample extension needs no scheduler");
    }

    @Override
    public Logger logger() {
      return NOPLogger.NOP_LOGGER;
    }

    @Override
    public PluginMetrics metrics() {
      return metrics;
    }
  }

  /** A counter held in memory. */
  static final class FakeCounter implements PluginMetrics.Counter {
    private final AtomicLong value = new AtomicLong();

    @Override
    public void add(long amount) {
      if (amount < 0) {
        throw new IllegalArgumentException("counters only go up");
      }
      value.addAndGet(amount);
    }

    @Override
    public long value() {
      return value.get();
    }
  }
}
