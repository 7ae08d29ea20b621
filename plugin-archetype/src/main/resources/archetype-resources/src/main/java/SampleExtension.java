package ${package};

#if( $extensionPoint == 'load-balancer' )
import dev.bowline.spi.lb.LoadBalancer;
import dev.bowline.spi.lb.LoadBalancerFactory;
import dev.bowline.spi.lb.PickContext;
import dev.bowline.spi.lb.Picker;
import dev.bowline.spi.lb.UpstreamHost;
import dev.bowline.spi.plugin.ConfigError;
import dev.bowline.spi.plugin.ConfigOrError;
import dev.bowline.spi.plugin.ExtensionMetadata;
import dev.bowline.spi.plugin.ExtensionStatus;
import dev.bowline.spi.plugin.PluginContext;
import dev.bowline.spi.plugin.SecurityPosture;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.pf4j.Extension;

/**
 * A sample load balancer named {@value NAME}. In its default mode it hands requests to the hosts
 * in turn (round robin); in {@code FIRST} mode it sends everything to the first host and uses the
 * others only for retries or when the first is gone (active/passive failover). Either way a retry
 * avoids the hosts its earlier attempts used while another host is left.
 *
 * <p>Configuration (every field optional):
 *
 * <pre>
 * mode: ROTATE   # ROTATE (round robin, the default) or FIRST (failover)
 * </pre>
 *
 * <p><b>Threading.</b> Stateless and thread-safe, as every factory. Its pickers are immutable
 * snapshots of a host list with one lock-free counter: they never block and never allocate.
 */
@Extension
public final class SampleExtension implements LoadBalancerFactory<SampleExtension.Config> {

  /** The canonical name that Bowline's configuration selects this balancer by. */
  public static final String NAME = "example.lb.sample";

  /** How a picker chooses among its hosts. */
  public enum Mode {
    /** Each pick takes the next host in turn: round robin. */
    ROTATE,
    /** Always the first host a request may use: active/passive failover. */
    FIRST
  }

  /**
   * The validated configuration.
   *
   * @param mode how hosts are chosen
   */
  public record Config(Mode mode) {

    /** Checks that the mode is set. */
    public Config {
      Objects.requireNonNull(mode, "mode");
    }
  }

  /** Makes the factory; PF4J instantiates extensions through this constructor. */
  public SampleExtension() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ExtensionMetadata metadata() {
    return new ExtensionMetadata(
        ExtensionStatus.ALPHA,
        SecurityPosture.DATA_PLANE_AGNOSTIC,
        "Sample load balancer: round robin, or failover to the first host.");
  }

  @Override
  public ConfigOrError<Config> parseConfig(Map<String, ?> raw) {
    List<ConfigError> errors = new ArrayList<>();
    for (String field : raw.keySet()) {
      if (!field.equals("mode")) {
        errors.add(new ConfigError(field, "unknown field; this balancer knows only 'mode'"));
      }
    }
    Mode mode = Mode.ROTATE;
    Object value = raw.get("mode");
    if (value != null) {
      try {
        mode = Mode.valueOf(String.valueOf(value).trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        errors.add(new ConfigError("mode", "'" + value + "' is not one of ROTATE, FIRST"));
      }
    }
    return errors.isEmpty() ? ConfigOrError.of(new Config(mode)) : ConfigOrError.errors(errors);
  }

  @Override
  public LoadBalancer newLoadBalancer(Config config, PluginContext context) {
    Mode mode = config.mode();
    return hosts -> new SamplePicker(hosts, mode);
  }

  /** Picks over one immutable host list. Thread-safe and lock-free. */
  static final class SamplePicker implements Picker {

    private final UpstreamHost[] hosts;
    private final Mode mode;
    private final AtomicInteger next = new AtomicInteger();

    SamplePicker(List<UpstreamHost> hosts, Mode mode) {
      this.hosts = hosts.toArray(new UpstreamHost[0]);
      this.mode = mode;
    }

    @Override
    public UpstreamHost pick(PickContext context) {
      int count = hosts.length;
      if (count == 0) {
        return null;
      }
      int start = mode == Mode.FIRST ? 0 : Math.floorMod(next.getAndIncrement(), count);
      for (int i = 0; i < count; i++) {
        UpstreamHost host = hosts[(start + i) % count];
        if (!context.isExcluded(host)) {
          return host;
        }
      }
      // Every host has been tried by this request already: a retry may still reuse one.
      return hosts[start];
    }
  }
}
#elseif( $extensionPoint == 'policy-adapter' )
import dev.bowline.spi.mixer.CheckResult;
import dev.bowline.spi.mixer.PolicyAdapter;
import dev.bowline.spi.mixer.PolicyAdapterFactory;
import dev.bowline.spi.plugin.ConfigError;
import dev.bowline.spi.plugin.ConfigOrError;
import dev.bowline.spi.plugin.ExtensionMetadata;
import dev.bowline.spi.plugin.ExtensionStatus;
import dev.bowline.spi.plugin.PluginContext;
import dev.bowline.spi.plugin.SecurityPosture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pf4j.Extension;

/**
 * A sample Mixer policy adapter named {@value NAME}: it denies every request whose
 * {@code request.path} starts with a configured prefix and allows all others. Its answers name
 * {@code request.path} as the one attribute they depend on, so the proxy and Mixer cache them per
 * path for {@code validDuration}.
 *
 * <p>Configuration:
 *
 * <pre>
 * deniedPathPrefix: /admin   # required; starts with '/'
 * validDuration: 10s         # optional; how long an answer may be cached (ms, s, m or h)
 * </pre>
 *
 * <p>The match is a plain string prefix on the path as the proxy saw it: a real policy must decide
 * how it treats percent-encoding, repeated slashes and case before it trusts such a match.
 *
 * <p><b>Threading.</b> Stateless and thread-safe; the adapter it makes is immutable and answers
 * at once, without blocking.
 */
@Extension
public final class SampleExtension implements PolicyAdapterFactory<SampleExtension.Config> {

  /** The canonical name that Bowline's configuration selects this adapter by. */
  public static final String NAME = "example.policy.sample";

  /** The attribute this adapter reads. */
  public static final String REQUEST_PATH = "request.path";

  /** How long an answer may be cached when the configuration does not say. */
  public static final Duration DEFAULT_VALID_DURATION = Duration.ofSeconds(10);

  private static final Set<String> FIELDS = Set.of("deniedPathPrefix", "validDuration");
  private static final String KNOWN_FIELDS = "deniedPathPrefix, validDuration";
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  /**
   * The validated configuration.
   *
   * @param deniedPathPrefix requests whose path starts with this are denied
   * @param validDuration how long an answer may be cached
   */
  public record Config(String deniedPathPrefix, Duration validDuration) {

    /** Checks that both fields are set. */
    public Config {
      Objects.requireNonNull(deniedPathPrefix, "deniedPathPrefix");
      Objects.requireNonNull(validDuration, "validDuration");
    }
  }

  /** Makes the factory; PF4J instantiates extensions through this constructor. */
  public SampleExtension() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ExtensionMetadata metadata() {
    return new ExtensionMetadata(
        ExtensionStatus.ALPHA,
        SecurityPosture.UNKNOWN,
        "Sample policy: denies requests whose path starts with a configured prefix.");
  }

  @Override
  public ConfigOrError<Config> parseConfig(Map<String, ?> raw) {
    List<ConfigError> errors = new ArrayList<>();
    for (String field : raw.keySet()) {
      if (!FIELDS.contains(field)) {
        errors.add(new ConfigError(field, "unknown field; known: " + KNOWN_FIELDS));
      }
    }

    String prefix = null;
    Object rawPrefix = raw.get("deniedPathPrefix");
    if (rawPrefix == null) {
      errors.add(new ConfigError("deniedPathPrefix", "is required, for example '/admin'"));
    } else if (!(rawPrefix instanceof String s) || !s.startsWith("/")) {
      errors.add(
          new ConfigError(
              "deniedPathPrefix", "'" + rawPrefix + "' is not a path starting with '/'"));
    } else {
      prefix = s;
    }

    Duration validDuration = DEFAULT_VALID_DURATION;
    Object rawDuration = raw.get("validDuration");
    if (rawDuration != null) {
      Optional<Duration> parsed = parseDuration(String.valueOf(rawDuration));
      if (parsed.isEmpty()) {
        errors.add(
            new ConfigError(
                "validDuration", "'" + rawDuration + "' is not a duration such as 10s or 500ms"));
      } else {
        validDuration = parsed.get();
      }
    }

    return errors.isEmpty()
        ? ConfigOrError.of(new Config(prefix, validDuration))
        : ConfigOrError.errors(errors);
  }

  @Override
  public PolicyAdapter newAdapter(Config config, PluginContext context) {
    Set<String> referenced = Set.of(REQUEST_PATH);
    return attributes -> {
      Optional<String> path = attributes.string(REQUEST_PATH);
      CheckResult result =
          path.isPresent() && path.get().startsWith(config.deniedPathPrefix())
              ? CheckResult.deny(
                  "path " + path.get() + " is denied by " + NAME + " (prefix "
                      + config.deniedPathPrefix() + ")",
                  config.validDuration(),
                  referenced)
              : CheckResult.allow(config.validDuration(), referenced);
      return CompletableFuture.completedFuture(result);
    };
  }

  /** Parses durations such as {@code 500ms}, {@code 10s}, {@code 5m} or {@code 1h}. */
  static Optional<Duration> parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    long amount;
    try {
      amount = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    return Optional.of(
        switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          default -> Duration.ofHours(amount);
        });
  }
}
#elseif( $extensionPoint == 'telemetry-adapter' )
import dev.bowline.spi.mixer.Attributes;
import dev.bowline.spi.mixer.TelemetryAdapter;
import dev.bowline.spi.mixer.TelemetryAdapterFactory;
import dev.bowline.spi.plugin.ConfigError;
import dev.bowline.spi.plugin.ConfigOrError;
import dev.bowline.spi.plugin.ExtensionMetadata;
import dev.bowline.spi.plugin.ExtensionStatus;
import dev.bowline.spi.plugin.PluginContext;
import dev.bowline.spi.plugin.PluginMetrics;
import dev.bowline.spi.plugin.SecurityPosture;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.pf4j.Extension;
import org.slf4j.Logger;

/**
 * A sample Mixer telemetry adapter named {@value NAME}: it counts the request records Mixer reports
 * into a counter of the plugin's metrics (which Bowline exposes in Prometheus format) and logs
 * each batch.
 *
 * <p>Configuration (every field optional):
 *
 * <pre>
 * counterName: sample_telemetry_records_total   # a Prometheus name ending in _total
 * logBatches: false                             # log each batch at INFO instead of DEBUG
 * </pre>
 *
 * <p><b>Threading.</b> The factory is stateless and thread-safe. Mixer calls the adapter's
 * {@code report} one batch at a time; the counter is thread-safe anyway.
 */
@Extension
public final class SampleExtension implements TelemetryAdapterFactory<SampleExtension.Config> {

  /** The canonical name that Bowline's configuration selects this adapter by. */
  public static final String NAME = "example.telemetry.sample";

  /** The counter's name when the configuration does not say. */
  public static final String DEFAULT_COUNTER_NAME = "sample_telemetry_records_total";

  private static final Set<String> FIELDS = Set.of("counterName", "logBatches");
  private static final String KNOWN_FIELDS = "counterName, logBatches";
  private static final Pattern PROMETHEUS_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  /**
   * The validated configuration.
   *
   * @param counterName the name of the counter the records are counted in
   * @param logBatches whether each batch is logged at INFO (otherwise at DEBUG)
   */
  public record Config(String counterName, boolean logBatches) {

    /** Checks that the counter has a name. */
    public Config {
      Objects.requireNonNull(counterName, "counterName");
    }
  }

  /** Makes the factory; PF4J instantiates extensions through this constructor. */
  public SampleExtension() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ExtensionMetadata metadata() {
    return new ExtensionMetadata(
        ExtensionStatus.ALPHA,
        SecurityPosture.UNKNOWN,
        "Sample telemetry: counts reported request records and logs each batch.");
  }

  @Override
  public ConfigOrError<Config> parseConfig(Map<String, ?> raw) {
    List<ConfigError> errors = new ArrayList<>();
    for (String field : raw.keySet()) {
      if (!FIELDS.contains(field)) {
        errors.add(new ConfigError(field, "unknown field; known: " + KNOWN_FIELDS));
      }
    }

    String counterName = DEFAULT_COUNTER_NAME;
    Object rawName = raw.get("counterName");
    if (rawName != null) {
      if (rawName instanceof String s
          && PROMETHEUS_NAME.matcher(s).matches()
          && s.endsWith("_total")) {
        counterName = s;
      } else {
        errors.add(
            new ConfigError(
                "counterName",
                "'" + rawName + "' is not a Prometheus counter name ([a-zA-Z_:][a-zA-Z0-9_:]*"
                    + " ending in _total)"));
      }
    }

    boolean logBatches = false;
    Object rawLog = raw.get("logBatches");
    if (rawLog != null) {
      if (rawLog instanceof Boolean b) {
        logBatches = b;
      } else {
        errors.add(new ConfigError("logBatches", "'" + rawLog + "' is not true or false"));
      }
    }

    return errors.isEmpty()
        ? ConfigOrError.of(new Config(counterName, logBatches))
        : ConfigOrError.errors(errors);
  }

  @Override
  public TelemetryAdapter newAdapter(Config config, PluginContext context) {
    PluginMetrics.Counter records =
        context
            .metrics()
            .counter(
                config.counterName(),
                "Request records reported to the sample telemetry adapter.",
                Map.of());
    return new CountingAdapter(records, context.logger(), config.logBatches());
  }

  /** Counts and logs. Mixer calls it one batch at a time. */
  static final class CountingAdapter implements TelemetryAdapter {

    private final PluginMetrics.Counter records;
    private final Logger log;
    private final boolean logBatches;

    CountingAdapter(PluginMetrics.Counter records, Logger log, boolean logBatches) {
      this.records = records;
      this.log = log;
      this.logBatches = logBatches;
    }

    @Override
    public void report(List<Attributes> batch) {
      records.add(batch.size());
      String first = batch.get(0).string("destination.service.host").orElse("unknown");
      String message = "{} records reported (first for {}); {} in total";
      if (logBatches) {
        log.info(message, batch.size(), first, records.value());
      } else {
        log.debug(message, batch.size(), first, records.value());
      }
    }

    @Override
    public void close() {
      log.info("sample telemetry adapter closed after {} records", records.value());
    }
  }
}
#elseif( $extensionPoint == 'platform-adapter' )
import dev.bowline.spi.model.Endpoint;
import dev.bowline.spi.model.HealthStatus;
import dev.bowline.spi.model.Hostname;
import dev.bowline.spi.model.Locality;
import dev.bowline.spi.model.MeshLocation;
import dev.bowline.spi.model.Protocol;
import dev.bowline.spi.model.Service;
import dev.bowline.spi.model.ServicePort;
import dev.bowline.spi.platform.PlatformAdapter;
import dev.bowline.spi.platform.PlatformAdapterFactory;
import dev.bowline.spi.platform.PlatformSnapshot;
import dev.bowline.spi.platform.RegistrySink;
import dev.bowline.spi.plugin.ConfigError;
import dev.bowline.spi.plugin.ConfigOrError;
import dev.bowline.spi.plugin.ExtensionMetadata;
import dev.bowline.spi.plugin.ExtensionStatus;
import dev.bowline.spi.plugin.PluginContext;
import dev.bowline.spi.plugin.SecurityPosture;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.pf4j.Extension;
import org.slf4j.Logger;

/**
 * A sample "static" platform adapter named {@value NAME}: the platform is its own configuration.
 * It tells Pilot the services and endpoints listed there, once, when it starts. A real adapter
 * watches its platform and calls {@link RegistrySink} again with the whole new view whenever
 * something changes.
 *
 * <p>Configuration:
 *
 * <pre>
 * services:
 *   - hostname: echo.example.internal   # required
 *     namespace: default                # optional, default "default"
 *     ports:                            # at least one
 *       - name: http                    # required, unique in the service
 *         number: 8080                  # required
 *         protocol: HTTP                # optional: HTTP, HTTP2, GRPC, TCP, TLS; else from the name
 *         targetPort: 8080              # optional, default number
 *     endpoints:                        # optional; each serves every port, on its targetPort
 *       - address: 127.0.0.1            # required
 *         weight: 1                     # optional, default 1
 *         locality: region/zone         # optional
 *         labels: {version: v1}         # optional
 * </pre>
 *
 * <p><b>Threading.</b> The factory is stateless and thread-safe. The adapter publishes from the
 * thread that starts it and never afterwards; {@code close} may come from another thread.
 */
@Extension
public final class SampleExtension implements PlatformAdapterFactory<SampleExtension.Config> {

  /** The canonical name that Bowline's configuration selects this adapter by. */
  public static final String NAME = "example.platform.sample";

  private static final Set<String> TOP_FIELDS = Set.of("services");
  private static final Set<String> SERVICE_FIELDS =
      Set.of("hostname", "namespace", "ports", "endpoints");
  private static final Set<String> PORT_FIELDS = Set.of("name", "number", "protocol", "targetPort");
  private static final Set<String> ENDPOINT_FIELDS =
      Set.of("address", "weight", "locality", "labels");

  /**
   * The validated configuration: the view of the platform to publish.
   *
   * @param snapshot the services and their endpoints
   */
  public record Config(PlatformSnapshot snapshot) {

    /** Checks that the snapshot is set. */
    public Config {
      Objects.requireNonNull(snapshot, "snapshot");
    }
  }

  /** Makes the factory; PF4J instantiates extensions through this constructor. */
  public SampleExtension() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ExtensionMetadata metadata() {
    return new ExtensionMetadata(
        ExtensionStatus.ALPHA,
        SecurityPosture.DATA_PLANE_AGNOSTIC,
        "Sample platform: publishes the services and endpoints listed in its configuration.");
  }

  @Override
  public ConfigOrError<Config> parseConfig(Map<String, ?> raw) {
    List<ConfigError> errors = new ArrayList<>();
    unknownFields(raw, "", TOP_FIELDS, errors);
    List<Service> services = new ArrayList<>();
    Map<Hostname, Map<String, List<Endpoint>>> endpoints = new LinkedHashMap<>();
    List<?> rawServices = list(raw.get("services"), "services", errors);
    for (int i = 0; i < rawServices.size(); i++) {
      parseService(rawServices.get(i), "services[" + i + "]", services, endpoints, errors);
    }
    if (!errors.isEmpty()) {
      return ConfigOrError.errors(errors);
    }
    try {
      return ConfigOrError.of(new Config(new PlatformSnapshot(services, endpoints, List.of())));
    } catch (IllegalArgumentException e) {
      return ConfigOrError.error("services", e.getMessage());
    }
  }

  @Override
  public PlatformAdapter newAdapter(Config config, PluginContext context) {
    return new StaticAdapter(config.snapshot(), context.logger());
  }

  /** Publishes one fixed snapshot when started. */
  static final class StaticAdapter implements PlatformAdapter {

    private final PlatformSnapshot snapshot;
    private final Logger log;
    private final AtomicBoolean closed = new AtomicBoolean();

    StaticAdapter(PlatformSnapshot snapshot, Logger log) {
      this.snapshot = snapshot;
      this.log = log;
    }

    @Override
    public void start(RegistrySink sink) {
      if (closed.get()) {
        return;
      }
      // Nothing to wait for: the whole platform is in the configuration.
      sink.replace(snapshot);
      log.info("published {} services from configuration", snapshot.services().size());
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }

  private static void parseService(
      Object raw,
      String path,
      List<Service> services,
      Map<Hostname, Map<String, List<Endpoint>>> endpoints,
      List<ConfigError> errors) {
    Map<String, ?> map = map(raw, path, errors);
    if (map == null) {
      return;
    }
    int before = errors.size();
    unknownFields(map, path, SERVICE_FIELDS, errors);

    Hostname hostname = null;
    String rawHost = string(map.get("hostname"), path + ".hostname", true, errors);
    if (rawHost != null) {
      try {
        hostname = Hostname.of(rawHost);
      } catch (IllegalArgumentException e) {
        errors.add(new ConfigError(path + ".hostname", e.getMessage()));
      }
    }
    String namespace = string(map.get("namespace"), path + ".namespace", false, errors);

    List<ServicePort> ports = new ArrayList<>();
    List<?> rawPorts = list(map.get("ports"), path + ".ports", errors);
    if (rawPorts.isEmpty() && map.get("ports") == null) {
      errors.add(new ConfigError(path + ".ports", "is required: a service has at least one port"));
    }
    for (int i = 0; i < rawPorts.size(); i++) {
      ServicePort port = parsePort(rawPorts.get(i), path + ".ports[" + i + "]", errors);
      if (port != null) {
        ports.add(port);
      }
    }

    List<Endpoint> instances = new ArrayList<>();
    List<?> rawEndpoints = list(map.get("endpoints"), path + ".endpoints", errors);
    for (int i = 0; i < rawEndpoints.size(); i++) {
      String where = path + ".endpoints[" + i + "]";
      Endpoint endpoint = parseEndpoint(rawEndpoints.get(i), where, errors);
      if (endpoint != null) {
        instances.add(endpoint);
      }
    }

    if (errors.size() > before || hostname == null) {
      return;
    }
    Service service;
    try {
      service =
          new Service(
              hostname,
              namespace == null ? "default" : namespace,
              ports,
              Map.of(),
              MeshLocation.MESH_INTERNAL);
    } catch (IllegalArgumentException e) {
      errors.add(new ConfigError(path, e.getMessage()));
      return;
    }
    if (endpoints.containsKey(hostname)) {
      errors.add(new ConfigError(path + ".hostname", "service " + hostname + " is listed twice"));
      return;
    }
    services.add(service);
    Map<String, List<Endpoint>> byPort = new LinkedHashMap<>();
    for (ServicePort port : ports) {
      List<Endpoint> onPort = new ArrayList<>();
      for (Endpoint e : instances) {
        onPort.add(
            new Endpoint(
                e.address(), port.targetPort(), e.labels(), e.locality(), e.weight(), e.health()));
      }
      byPort.put(port.name(), onPort);
    }
    endpoints.put(hostname, byPort);
  }

  private static ServicePort parsePort(Object raw, String path, List<ConfigError> errors) {
    Map<String, ?> map = map(raw, path, errors);
    if (map == null) {
      return null;
    }
    int before = errors.size();
    unknownFields(map, path, PORT_FIELDS, errors);
    String name = string(map.get("name"), path + ".name", true, errors);
    Integer number = port(map.get("number"), path + ".number", true, errors);
    Integer targetPort = port(map.get("targetPort"), path + ".targetPort", false, errors);
    String rawProtocol = string(map.get("protocol"), path + ".protocol", false, errors);
    Protocol protocol = Protocol.TCP;
    if (rawProtocol != null) {
      protocol = Protocol.parse(rawProtocol).orElse(null);
      if (protocol == null) {
        errors.add(
            new ConfigError(
                path + ".protocol",
                "'" + rawProtocol + "' is not one of HTTP, HTTP2, GRPC, TCP, TLS"));
      }
    } else if (name != null) {
      protocol = Protocol.parse(name).orElse(Protocol.TCP);
    }
    if (errors.size() > before || name == null || number == null) {
      return null;
    }
    try {
      return new ServicePort(name, number, protocol, targetPort == null ? number : targetPort);
    } catch (IllegalArgumentException e) {
      errors.add(new ConfigError(path, e.getMessage()));
      return null;
    }
  }

  private static Endpoint parseEndpoint(Object raw, String path, List<ConfigError> errors) {
    Map<String, ?> map = map(raw, path, errors);
    if (map == null) {
      return null;
    }
    int before = errors.size();
    unknownFields(map, path, ENDPOINT_FIELDS, errors);
    String address = string(map.get("address"), path + ".address", true, errors);
    Integer weight = integer(map.get("weight"), path + ".weight", false, errors);
    if (weight != null && weight < 1) {
      errors.add(new ConfigError(path + ".weight", weight + " is not a weight (at least 1)"));
    }
    String rawLocality = string(map.get("locality"), path + ".locality", false, errors);
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, ?> rawLabels =
        map.get("labels") == null ? Map.of() : map(map.get("labels"), path + ".labels", errors);
    if (rawLabels != null) {
      rawLabels.forEach((k, v) -> labels.put(k, String.valueOf(v)));
    }
    if (errors.size() > before || address == null) {
      return null;
    }
    try {
      Locality locality = Locality.parse(rawLocality);
      // Any port will do here: parseService puts each endpoint on each service port's targetPort.
      return new Endpoint(
          address, 1, labels, locality, weight == null ? 1 : weight, HealthStatus.HEALTHY);
    } catch (IllegalArgumentException e) {
      errors.add(new ConfigError(path, e.getMessage()));
      return null;
    }
  }

  private static void unknownFields(
      Map<String, ?> map, String path, Set<String> known, List<ConfigError> errors) {
    for (String field : map.keySet()) {
      if (!known.contains(field)) {
        String where = path.isEmpty() ? field : path + "." + field;
        String names = String.join(", ", new TreeSet<>(known));
        errors.add(new ConfigError(where, "unknown field; known: " + names));
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> map(Object value, String path, List<ConfigError> errors) {
    if (value instanceof Map<?, ?> m && m.keySet().stream().allMatch(k -> k instanceof String)) {
      return (Map<String, ?>) m;
    }
    errors.add(new ConfigError(path, "must be a map of fields"));
    return null;
  }

  private static List<?> list(Object value, String path, List<ConfigError> errors) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof List<?> l) {
      return l;
    }
    errors.add(new ConfigError(path, "must be a list"));
    return List.of();
  }

  private static String string(
      Object value, String path, boolean required, List<ConfigError> errors) {
    if (value == null) {
      if (required) {
        errors.add(new ConfigError(path, "is required"));
      }
      return null;
    }
    if (value instanceof String s && !s.isBlank()) {
      return s;
    }
    errors.add(new ConfigError(path, "must be a non-empty string"));
    return null;
  }

  private static Integer port(
      Object value, String path, boolean required, List<ConfigError> errors) {
    Integer port = integer(value, path, required, errors);
    if (port != null && (port < 1 || port > 65535)) {
      errors.add(new ConfigError(path, port + " is not a port number (1..65535)"));
      return null;
    }
    return port;
  }

  private static Integer integer(
      Object value, String path, boolean required, List<ConfigError> errors) {
    if (value == null) {
      if (required) {
        errors.add(new ConfigError(path, "is required"));
      }
      return null;
    }
    if (value instanceof Number n
        && n.doubleValue() == Math.rint(n.doubleValue())
        && n.doubleValue() >= Integer.MIN_VALUE
        && n.doubleValue() <= Integer.MAX_VALUE) {
      return n.intValue();
    }
    errors.add(new ConfigError(path, "'" + value + "' is not a whole number"));
    return null;
  }
}
#else
/*
 * The archetype property extensionPoint was '${extensionPoint}', which is not one of
 * load-balancer, policy-adapter, telemetry-adapter or platform-adapter: generate the project again
 * with one of those (this file deliberately does not compile).
 */
public final class SampleExtension {
  UNKNOWN_EXTENSION_POINT_${extensionPoint}
}
#end
