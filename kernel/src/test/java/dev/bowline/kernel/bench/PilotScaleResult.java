package dev.bowline.kernel.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one {@link PilotScaleBench} run measured. Immutable. Durations are in milliseconds; a
 * change "reaches" a proxy when the proxy receives the response carrying it, and a full push has
 * reached a proxy when the proxy has acknowledged the new clusters, endpoints and routes.
 *
 * @param environment the JVM and machine the run used
 * @param options the run's size and pacing
 * @param translation single-proxy translation times and the size of one proxy's resources
 * @param initialSync per proxy, from opening the streams to holding every resource
 * @param changeToAll per endpoint change, from the registry update to the last proxy's arrival
 * @param changeToAllSamples the same, each change in order
 * @param changePerProxy every proxy's arrival of every endpoint change
 * @param changePushTook per endpoint change, the server's push (generate and publish for all)
 * @param changeBytesPerProxy bytes each proxy received per endpoint change, on average
 * @param noChangePushTook pushes asked for with nothing changed: generation cost alone
 * @param warmupFullPushToAll each warm-up full push's time to the last acknowledgement, in order
 *     (while the JIT compiles; not held to the target)
 * @param fullPushToAll per full push, from the registry update to the last proxy's acknowledgement
 * @param fullPushToAllSamples the same, each full push in order
 * @param fullPushPerProxy every proxy's time for every full push
 * @param fullPushTook per full push, the server's push time (both steps' generation)
 * @param memory heap and resident memory
 * @param targets the targets against the figures
 * @param failures stream failures seen (none in a good run)
 */
record PilotScaleResult(
    Map<String, Object> environment,
    BenchOptions options,
    Translation translation,
    LatencySummary initialSync,
    LatencySummary changeToAll,
    List<Double> changeToAllSamples,
    LatencySummary changePerProxy,
    LatencySummary changePushTook,
    long changeBytesPerProxy,
    LatencySummary noChangePushTook,
    List<Double> warmupFullPushToAll,
    LatencySummary fullPushToAll,
    List<Double> fullPushToAllSamples,
    LatencySummary fullPushPerProxy,
    LatencySummary fullPushTook,
    Memory memory,
    List<TargetCheck> targets,
    List<String> failures) {

  /**
   * Translating one sidecar's resources with {@link
   * dev.bowline.kernel.pilot.translate.XdsTranslator}.
   *
   * @param cold with an empty memo (the first proxy of a push)
   * @param memoized with a memo already holding the proxy's namespace (every further proxy of it)
   * @param newNamespace with a memo holding the shared part but not the proxy's namespace
   * @param clusters clusters one sidecar gets
   * @param assignments endpoint assignments it gets
   * @param listeners listeners it gets
   * @param routes route configurations it gets
   * @param bytes the serialized size of all of them
   */
  record Translation(
      LatencySummary cold,
      LatencySummary memoized,
      LatencySummary newNamespace,
      int clusters,
      int assignments,
      int listeners,
      int routes,
      long bytes) {}

  /**
   * Memory of the benchmark process (control plane and simulated proxies together).
   *
   * @param heapWithoutProxies live heap with the registry loaded and no proxy connected
   * @param heapSynced live heap with every proxy connected and in sync
   * @param heapAtEnd live heap after the full pushes
   * @param heapMax the heap limit (-Xmx)
   * @param rss resident set size at the end
   * @param peakRss the largest resident set size of the run
   */
  record Memory(
      long heapWithoutProxies, long heapSynced, long heapAtEnd, long heapMax, long rss,
      long peakRss) {}

  PilotScaleResult {
    changeToAllSamples = List.copyOf(changeToAllSamples);
    warmupFullPushToAll = List.copyOf(warmupFullPushToAll);
    fullPushToAllSamples = List.copyOf(fullPushToAllSamples);
    targets = List.copyOf(targets);
    failures = List.copyOf(failures);
  }

  /** Whether every target is met and no stream failed. */
  boolean passed() {
    return failures.isEmpty() && targets.stream().allMatch(TargetCheck::met);
  }

  /** The figures for a person, several lines. */
  String describe() {
    List<String> lines = new ArrayList<>();
    lines.add(String.format(
        "Pilot scale: %d services, %d endpoints, %d proxies over %d namespaces (%d connections)",
        options.services(), options.services() * options.endpointsPerService(), options.proxies(),
        options.namespaces(), Math.min(options.channels(), options.proxies())));
    lines.add("  jvm: " + environment.get("java") + " " + environment.get("jvm_args") + ", "
        + environment.get("cpus") + " cpus");
    lines.add(String.format(
        "  one sidecar's resources: %d clusters, %d assignments, %d listeners, %d route configs,"
            + " %.1f KiB", translation.clusters, translation.assignments, translation.listeners,
        translation.routes, translation.bytes / 1024.0));
    lines.add("  translate one proxy, cold:          " + translation.cold.describe());
    lines.add("  translate one proxy, memoized:      " + translation.memoized.describe());
    lines.add("  translate one proxy, new namespace: " + translation.newNamespace.describe());
    lines.add("  initial sync of every proxy:        " + initialSync.describe());
    lines.add("  endpoint change -> all proxies:     " + changeToAll.describe());
    lines.add("  endpoint change -> each proxy:      " + changePerProxy.describe());
    lines.add("  endpoint change, server push:       " + changePushTook.describe());
    lines.add(String.format("  endpoint change, bytes per proxy:   %.1f KiB",
        changeBytesPerProxy / 1024.0));
    lines.add("  push with nothing changed:          " + noChangePushTook.describe());
    lines.add("  full push, warm-up (not timed):     " + warmupFullPushToAll.stream()
        .map(ms -> String.format("%.1f", ms)).collect(Collectors.joining(" / ")) + " ms");
    lines.add("  full push -> all proxies acked:     " + fullPushToAll.describe());
    lines.add("  full push -> each proxy acked:      " + fullPushPerProxy.describe());
    lines.add("  full push, server push:             " + fullPushTook.describe());
    lines.add(String.format(
        "  heap after GC: %.1f MiB without proxies, %.1f MiB in sync, %.1f MiB at end"
            + " (max %.0f MiB); RSS %.1f MiB, peak %.1f MiB",
        ProcessMemory.mib(memory.heapWithoutProxies), ProcessMemory.mib(memory.heapSynced),
        ProcessMemory.mib(memory.heapAtEnd), ProcessMemory.mib(memory.heapMax),
        ProcessMemory.mib(memory.rss), ProcessMemory.mib(memory.peakRss)));
    for (TargetCheck t : targets) {
      lines.add("  target " + t.describe());
    }
    lines.add(failures.isEmpty() ? "  no stream failed" : "  FAILURES: " + failures);
    lines.add("  result: " + (passed() ? "PASS" : "FAIL"));
    return String.join("\n", lines);
  }

  /** The figures as a JSON-ready map. */
  Map<String, Object> toJson() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("benchmark", "pilot-scale");
    out.put("environment", environment);
    Map<String, Object> size = new LinkedHashMap<>();
    size.put("services", options.services());
    size.put("endpoints", options.services() * options.endpointsPerService());
    size.put("namespaces", options.namespaces());
    size.put("proxies", options.proxies());
    size.put("connections", Math.min(options.channels(), options.proxies()));
    size.put("changes", options.changes());
    size.put("warmup_full_pushes", options.warmupFullPushes());
    size.put("full_pushes", options.fullPushes());
    out.put("size", size);
    Map<String, Object> tr = new LinkedHashMap<>();
    tr.put("cold", translation.cold.toJson());
    tr.put("memoized", translation.memoized.toJson());
    tr.put("new_namespace", translation.newNamespace.toJson());
    tr.put("clusters", translation.clusters);
    tr.put("assignments", translation.assignments);
    tr.put("listeners", translation.listeners);
    tr.put("routes", translation.routes);
    tr.put("bytes", translation.bytes);
    out.put("translate_one_proxy", tr);
    out.put("initial_sync", initialSync.toJson());
    Map<String, Object> change = new LinkedHashMap<>();
    change.put("to_all_proxies", changeToAll.toJson());
    change.put("to_all_proxies_each_ms", rounded(changeToAllSamples));
    change.put("per_proxy", changePerProxy.toJson());
    change.put("server_push", changePushTook.toJson());
    change.put("bytes_per_proxy", changeBytesPerProxy);
    out.put("endpoint_change", change);
    out.put("push_nothing_changed", noChangePushTook.toJson());
    Map<String, Object> full = new LinkedHashMap<>();
    full.put("warmup_to_all_proxies_each_ms", rounded(warmupFullPushToAll));
    full.put("to_all_proxies", fullPushToAll.toJson());
    full.put("to_all_proxies_each_ms", rounded(fullPushToAllSamples));
    full.put("per_proxy", fullPushPerProxy.toJson());
    full.put("server_push", fullPushTook.toJson());
    out.put("full_push", full);
    Map<String, Object> mem = new LinkedHashMap<>();
    mem.put("heap_without_proxies_mib", ProcessMemory.mib(memory.heapWithoutProxies));
    mem.put("heap_synced_mib", ProcessMemory.mib(memory.heapSynced));
    mem.put("heap_at_end_mib", ProcessMemory.mib(memory.heapAtEnd));
    mem.put("heap_max_mib", ProcessMemory.mib(memory.heapMax));
    mem.put("rss_mib", ProcessMemory.mib(memory.rss));
    mem.put("peak_rss_mib", ProcessMemory.mib(memory.peakRss));
    out.put("memory", mem);
    out.put("targets", targets.stream().map(TargetCheck::toJson).toList());
    out.put("failures", failures);
    out.put("passed", passed());
    return out;
  }

  private static List<Double> rounded(List<Double> millis) {
    return millis.stream().map(LatencySummary::round).toList();
  }
}
