package dev.bowline.kernel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.protobuf.Message;
import dev.bowline.kernel.controlplane.ControlPlane;
import dev.bowline.kernel.controlplane.ControlPlaneOptions;
import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.kernel.pilot.registry.embedded.SelfRegistrations;
import dev.bowline.kernel.pilot.translate.ProxyResources;
import dev.bowline.kernel.pilot.translate.PushContext;
import dev.bowline.kernel.pilot.translate.TranslationCache;
import dev.bowline.kernel.pilot.translate.XdsTranslator;
import dev.bowline.kernel.pilot.xds.PushSummary;
import dev.bowline.kernel.pilot.xds.XdsServer;
import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.kernel.plugin.CaPluginJar;
import dev.bowline.kernel.plugin.PluginHostConfig;
import dev.bowline.proxy.stats.MetricRegistry;
import dev.bowline.spi.platform.PlatformSnapshot;
import dev.bowline.spi.platform.RegistrySink;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Pilot's scale benchmark: a control plane in this process, a synthetic registry of 1000 services
 * and 10 000 endpoints reported through a registry source (a platform adapter's path), and 200
 * simulated sidecars over 10 namespaces holding real ADS streams over loopback. It measures:
 *
 * <ol>
 *   <li>translating one proxy: cold, memoized, and a new namespace over a warm memo;
 *   <li>the initial sync of every proxy;
 *   <li>one endpoint change until it reaches every proxy (p50 and p99 over {@code --changes}
 *       changes spaced beyond the push debounce), and the server's push time;
 *   <li>a push with nothing changed (the cost of generating for every proxy);
 *   <li>a full push (every service changes port: every cluster, assignment and route) until every
 *       proxy has acknowledged the new clusters, endpoints and routes, after {@code
 *       --warmup-full-pushes} untimed ones while the JIT compiles the path (their times are
 *       reported too);
 *   <li>live heap (after GC) and resident memory;
 * </ol>
 *
 * and checks the targets: a change reaches every proxy within 1 s at p99, a full push
 * within 2 s, live heap at most 512 MiB. Prints the figures for a person, then one line {@code
 * PILOT_SCALE_JSON {...}}; {@code --json-out} also writes them to a file. Exits 0 when the run
 * completed (whether or not the targets were met), 1 when it could not complete, 2 on bad options.
 *
 * <p><b>Threading.</b> {@link #run} drives everything from the calling thread.
 */
public final class PilotScaleBench {

  /** The targets. */
  static final double CHANGE_P99_GOAL_MS = 1000;
  static final double FULL_PUSH_GOAL_MS = 2000;
  static final double HEAP_GOAL_MIB = 512;

  private static final MeshSettings MESH = MeshSettings.DEFAULTS;
  private static final Duration POLL = Duration.ofMillis(5);

  private final BenchOptions options;
  private final PrintStream progress;

  private PilotScaleBench(BenchOptions options, PrintStream progress) {
    this.options = options;
    this.progress = progress;
  }

  /** Runs the benchmark with the options in {@code args} (see {@link BenchOptions#usage()}). */
  public static void main(String[] args) throws Exception {
    if (Arrays.asList(args).contains("--help")) {
      System.out.println(BenchOptions.usage());
      System.exit(0);
      return;
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    PilotScaleResult result;
    try {
      result = run(options, System.out);
    } catch (BenchmarkFailed e) {
      System.err.println("pilot scale benchmark could not complete: " + e.getMessage());
      System.exit(1);
      return;
    }
    String json = new ObjectMapper().writeValueAsString(result.toJson());
    System.out.println(result.describe());
    System.out.println("PILOT_SCALE_JSON " + json);
    if (options.jsonOut().isPresent()) {
      Path out = options.jsonOut().get();
      if (out.getParent() != null) {
        Files.createDirectories(out.getParent());
      }
      Files.writeString(
          out,
          new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(result.toJson()));
      System.out.println("results written to " + out);
    }
    System.exit(0);
  }

  /**
   * Runs one benchmark, writing progress to {@code progress}.
   *
   * @throws BenchmarkFailed a change did not reach every proxy within the timeout, or the control
   *     plane could not start
   */
  static PilotScaleResult run(BenchOptions options, PrintStream progress)
      throws BenchmarkFailed, InterruptedException {
    return new PilotScaleBench(options, progress).run();
  }

  private PilotScaleResult run() throws BenchmarkFailed, InterruptedException {
    Path home;
    try {
      home = Files.createTempDirectory("bowline-bench-");
    } catch (IOException e) {
      throw new BenchmarkFailed("cannot create a temporary directory: " + e);
    }
    try (PluginHost plugins =
            PluginHost.start(PluginHostConfig.of(CaPluginJar.installInto(home.resolve("plugins"))),
                new MetricRegistry());
        ControlPlane controlPlane = startControlPlane(plugins)) {
      return measure(controlPlane);
    } finally {
      try (var files = Files.walk(home)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a temporary directory left behind
      }
    }
  }

  private ControlPlane startControlPlane(PluginHost plugins) throws BenchmarkFailed {
    try {
      return ControlPlane.start(
          new ControlPlaneOptions(
              Optional.empty(),
              Optional.empty(),
              new InetSocketAddress("127.0.0.1", 0),
              Optional.of(new InetSocketAddress("127.0.0.1", 0)),
              new InetSocketAddress("127.0.0.1", 0),
              MESH,
              SelfRegistrations.DEFAULT_GRACE_PERIOD,
              ControlPlaneOptions.DEFAULT_CA),
          plugins);
    } catch (IOException e) {
      throw new BenchmarkFailed("the control plane did not start: " + e);
    }
  }

  private PilotScaleResult measure(ControlPlane cp) throws BenchmarkFailed, InterruptedException {
    XdsServer xds = cp.xds();
    SyntheticRegistry registry =
        new SyntheticRegistry(
            options.services(), options.endpointsPerService(), options.namespaces());
    RegistrySink sink = cp.registry().sink("bench");
    long before = pushNumber(xds);
    sink.replace(registry.snapshot());
    awaitPushAfter(xds, before);
    List<ProxyNode> nodes = nodes();

    say("translating one proxy (%d times each)", options.translations());
    PilotScaleResult.Translation translation = translation(cp, nodes);
    long heapWithoutProxies = ProcessMemory.heapAfterGc();

    try (SimulatedProxyFleet fleet =
        new SimulatedProxyFleet(
            cp.plaintextXdsAddress(), nodes, options.channels(), options.proxyThreads())) {
      say("connecting %d proxies", nodes.size());
      SyncTarget initial =
          new SyncTarget(registry.port(), registry.services(), new long[nodes.size()]);
      fleet.arm(initial);
      long started = System.nanoTime();
      fleet.start();
      awaitTarget(initial, fleet, "initial sync");
      LatencySummary initialSync = LatencySummary.of(initial.millisSince(started));
      say("  %s", initialSync.describe());
      settle();
      long heapSynced = ProcessMemory.heapAfterGc();

      say("timing %d endpoint changes", options.changes());
      double[] toAll = new double[options.changes()];
      double[] perProxy = new double[options.changes() * nodes.size()];
      double[] changeTook = new double[options.changes()];
      long bytesBefore = fleet.bytes();
      for (int c = 0; c < options.changes(); c++) {
        int service = (int) ((c * 397L) % registry.services());
        String address = SyntheticRegistry.ipv4(11, c + 1);
        PlatformSnapshot next = registry.moveEndpoint(service, address);
        EndpointProbe probe =
            new EndpointProbe(registry.clusterName(service), address, nodes.size());
        fleet.arm(probe);
        long pushBefore = pushNumber(xds);
        long t0 = System.nanoTime();
        sink.replace(next);
        if (!probe.await(options.timeout())) {
          throw new BenchmarkFailed(String.format(
              "endpoint change %d did not reach %d of %d proxies within %s; stream failures: %s",
              c, probe.missing(), nodes.size(), options.timeout(), fleet.failures()));
        }
        double[] arrivals = probe.millisSince(t0);
        toAll[c] = Arrays.stream(arrivals).max().orElse(0);
        System.arraycopy(arrivals, 0, perProxy, c * nodes.size(), nodes.size());
        changeTook[c] = millis(awaitPushAfter(xds, pushBefore).took());
        fleet.arm((EndpointProbe) null);
        settle();
      }
      long changeBytesPerProxy =
          (fleet.bytes() - bytesBefore) / ((long) options.changes() * nodes.size());
      LatencySummary changeToAll = LatencySummary.of(toAll);
      say("  %s", changeToAll.describe());

      say("timing 3 pushes with nothing changed");
      double[] noChange = new double[3];
      for (int i = 0; i < noChange.length; i++) {
        long pushBefore = pushNumber(xds);
        xds.requestPush("bench: nothing changed");
        noChange[i] = millis(awaitPushAfter(xds, pushBefore).took());
        settle();
      }

      say("warming up with %d full pushes", options.warmupFullPushes());
      double[] warmupToAll = new double[options.warmupFullPushes()];
      for (int f = 0; f < options.warmupFullPushes(); f++) {
        warmupToAll[f] = fullPush(registry, sink, fleet, xds, "warm-up full push " + (f + 1)).toAll();
      }

      say("timing %d full pushes", options.fullPushes());
      double[] fullToAll = new double[options.fullPushes()];
      double[] fullPerProxy = new double[options.fullPushes() * nodes.size()];
      double[] fullTook = new double[options.fullPushes()];
      for (int f = 0; f < options.fullPushes(); f++) {
        FullPush push = fullPush(registry, sink, fleet, xds, "full push " + (f + 1));
        fullToAll[f] = push.toAll();
        System.arraycopy(push.perProxy(), 0, fullPerProxy, f * nodes.size(), nodes.size());
        fullTook[f] = push.took();
      }
      LatencySummary fullPushToAll = LatencySummary.of(fullToAll);
      say("  %s", fullPushToAll.describe());

      long heapAtEnd = ProcessMemory.heapAfterGc();
      PilotScaleResult.Memory memory =
          new PilotScaleResult.Memory(
              heapWithoutProxies,
              heapSynced,
              heapAtEnd,
              ProcessMemory.heapMax(),
              ProcessMemory.rss(),
              ProcessMemory.peakRss());
      List<TargetCheck> targets = new ArrayList<>();
      targets.add(new TargetCheck(
          "endpoint change reaches all proxies, p99", changeToAll.p99(), CHANGE_P99_GOAL_MS, "ms"));
      if (options.fullPushes() > 0) {
        targets.add(new TargetCheck(
            "full push acknowledged by all proxies, worst", fullPushToAll.max(), FULL_PUSH_GOAL_MS,
            "ms"));
      }
      targets.add(new TargetCheck(
          "live heap, largest after GC",
          ProcessMemory.mib(Math.max(heapSynced, heapAtEnd)), HEAP_GOAL_MIB, "MiB"));
      return new PilotScaleResult(
          environment(),
          options,
          translation,
          initialSync,
          changeToAll,
          Arrays.stream(toAll).boxed().toList(),
          LatencySummary.of(perProxy),
          LatencySummary.of(changeTook),
          changeBytesPerProxy,
          LatencySummary.of(noChange),
          Arrays.stream(warmupToAll).boxed().toList(),
          fullPushToAll,
          Arrays.stream(fullToAll).boxed().toList(),
          LatencySummary.of(fullPerProxy),
          LatencySummary.of(fullTook),
          memory,
          targets,
          fleet.failures());
    }
  }

  /** Sidecars without a service of their own (clients), round-robin over the namespaces. */
  private List<ProxyNode> nodes() {
    List<ProxyNode> out = new ArrayList<>();
    for (int i = 0; i < options.proxies(); i++) {
      String namespace = SyntheticRegistry.namespace(i % options.namespaces());
      String ip = SyntheticRegistry.ipv4(12, i + 1);
      String workload = "client-" + i;
      out.add(
          new ProxyNode(
              ProxyNode.nodeId(
                  ProxyNode.Type.SIDECAR, ip, workload, namespace, MESH.domainSuffix()),
              ProxyNode.Type.SIDECAR,
              ip,
              workload,
              namespace,
              "default",
              Map.of("app", "client-" + (i % 20)),
              "",
              OptionalInt.empty(),
              ProxyNode.DEFAULT_INBOUND_PORT,
              ProxyNode.DEFAULT_OUTBOUND_PORT));
    }
    return out;
  }

  private PilotScaleResult.Translation translation(ControlPlane cp, List<ProxyNode> nodes) {
    XdsTranslator translator = new XdsTranslator();
    PushContext context =
        new PushContext(cp.store().snapshot(), cp.registry().snapshot(), MESH);
    ProxyNode first = nodes.get(0);
    List<ProxyNode> sameNamespace =
        nodes.stream().filter(n -> n.namespace().equals(first.namespace())).toList();
    ProxyNode otherNamespace =
        nodes.stream().filter(n -> !n.namespace().equals(first.namespace())).findFirst()
            .orElse(null);
    int warmup = 3;
    double[] cold = new double[options.translations()];
    double[] memoized = new double[options.translations()];
    double[] newNamespace = new double[otherNamespace == null ? 0 : options.translations()];
    ProxyResources resources = null;
    for (int i = -warmup; i < options.translations(); i++) {
      TranslationCache cache = new TranslationCache(context);
      long t0 = System.nanoTime();
      resources = translator.translate(first, cache);
      long t1 = System.nanoTime();
      ProxyNode peer = sameNamespace.get((i + warmup) % sameNamespace.size());
      translator.translate(peer, cache);
      long t2 = System.nanoTime();
      long t3 = t2;
      if (otherNamespace != null) {
        translator.translate(otherNamespace, cache);
        t3 = System.nanoTime();
      }
      if (i >= 0) {
        cold[i] = (t1 - t0) / 1e6;
        memoized[i] = (t2 - t1) / 1e6;
        if (otherNamespace != null) {
          newNamespace[i] = (t3 - t2) / 1e6;
        }
      }
    }
    long bytes = 0;
    for (List<? extends Message> list :
        List.of(resources.clusters(), resources.endpoints(), resources.listeners(),
            resources.routes())) {
      for (Message m : list) {
        bytes += m.getSerializedSize();
      }
    }
    return new PilotScaleResult.Translation(
        LatencySummary.of(cold),
        LatencySummary.of(memoized),
        LatencySummary.of(newNamespace),
        resources.clusters().size(),
        resources.endpoints().size(),
        resources.listeners().size(),
        resources.routes().size(),
        bytes);
  }

  /** One full push's figures, in milliseconds. */
  private record FullPush(double toAll, double[] perProxy, double took) {}

  /**
   * Moves every service to a new port and waits until every proxy has acknowledged the new
   * clusters, endpoints and routes; prints and returns the times.
   */
  private FullPush fullPush(
      SyntheticRegistry registry, RegistrySink sink, SimulatedProxyFleet fleet, XdsServer xds,
      String what) throws InterruptedException, BenchmarkFailed {
    PlatformSnapshot next = registry.nextGeneration();
    SyncTarget target = new SyncTarget(registry.port(), registry.services(), fleet.routeAcks());
    fleet.arm(target);
    long pushBefore = pushNumber(xds);
    long t0 = System.nanoTime();
    sink.replace(next);
    awaitTarget(target, fleet, what);
    double[] done = target.millisSince(t0);
    FullPush push =
        new FullPush(
            Arrays.stream(done).max().orElse(0), done,
            millis(awaitPushAfter(xds, pushBefore).took()));
    say("  %s: acknowledged by all in %.1f ms, server push %.1f ms", what, push.toAll(),
        push.took());
    fleet.arm((SyncTarget) null);
    settle();
    return push;
  }

  private void awaitTarget(SyncTarget target, SimulatedProxyFleet fleet, String what)
      throws BenchmarkFailed, InterruptedException {
    if (!target.await(options.timeout())) {
      throw new BenchmarkFailed(String.format(
          "%s: %d of %d proxies did not get there within %s; stream failures: %s; some of"
              + " them: %s",
          what, target.missing(), fleet.size(), options.timeout(), fleet.failures(),
          fleet.describeMissing(target, 3)));
    }
  }

  /** Pauses for the gap, so that the next change starts a push of its own after the debounce. */
  private void settle() throws InterruptedException {
    Thread.sleep(options.gap().toMillis());
  }

  private PushSummary awaitPushAfter(XdsServer xds, long number)
      throws BenchmarkFailed, InterruptedException {
    long deadline = System.nanoTime() + options.timeout().toNanos();
    while (System.nanoTime() - deadline < 0) {
      Optional<PushSummary> last = xds.lastPush();
      if (last.isPresent() && last.get().number() > number) {
        return last.get();
      }
      Thread.sleep(POLL.toMillis());
    }
    throw new BenchmarkFailed("no push finished within " + options.timeout());
  }

  private static long pushNumber(XdsServer xds) {
    return xds.lastPush().map(PushSummary::number).orElse(0L);
  }

  private static double millis(Duration d) {
    return d.toNanos() / 1e6;
  }

  private static Map<String, Object> environment() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    out.put("jvm_args", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
    out.put("cpus", Runtime.getRuntime().availableProcessors());
    out.put("gc", ManagementFactory.getGarbageCollectorMXBeans().stream()
        .map(b -> b.getName()).toList());
    return out;
  }

  private void say(String format, Object... args) {
    progress.println(String.format(format, args));
    progress.flush();
  }

  /** The benchmark could not complete; the message says which step and why. */
  static final class BenchmarkFailed extends Exception {
    private static final long serialVersionUID = 1L;

    BenchmarkFailed(String message) {
      super(message);
    }
  }
}
