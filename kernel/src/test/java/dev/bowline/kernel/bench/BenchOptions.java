package dev.bowline.kernel.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The size and pacing of one {@link PilotScaleBench} run. Immutable.
 *
 * @param services how many services the synthetic registry holds
 * @param endpointsPerService endpoints of each service
 * @param namespaces how many namespaces services and proxies are spread over
 * @param proxies how many simulated sidecars hold ADS streams
 * @param channels how many HTTP/2 connections the simulated sidecars share
 * @param proxyThreads event loop threads (and as many callback threads) of the simulated sidecars
 * @param changes how many single-endpoint changes to time
 * @param warmupFullPushes how many full pushes to run first, untimed against the target, while
 *     the JIT compiles the paths a full push takes (a control plane that has run for a while has
 *     them compiled)
 * @param fullPushes how many full pushes (every service changed) to time
 * @param translations how many times each single-proxy translation is timed
 * @param gap the pause after each change has settled before the next (longer than the debounce)
 * @param timeout how long any one change may take to reach every proxy before the run fails
 * @param jsonOut where to write the results as JSON, if anywhere
 */
record BenchOptions(
    int services,
    int endpointsPerService,
    int namespaces,
    int proxies,
    int channels,
    int proxyThreads,
    int changes,
    int warmupFullPushes,
    int fullPushes,
    int translations,
    Duration gap,
    Duration timeout,
    Optional<Path> jsonOut) {

  /** The scale: 1000 services, 10 000 endpoints, 200 proxies over 10 namespaces. */
  static final BenchOptions DEFAULTS =
      new BenchOptions(
          1000, 10, 10, 200, 200, 2, 20, 2, 5, 10, Duration.ofMillis(300), Duration.ofSeconds(120),
          Optional.empty());

  private static final Set<String> KNOWN =
      Set.of("--services", "--endpoints-per-service", "--namespaces", "--proxies", "--channels",
          "--proxy-threads", "--changes", "--warmup-full-pushes", "--full-pushes", "--translations", "--gap-ms",
          "--json-out");

  BenchOptions {
    positive("services", services);
    positive("endpoints-per-service", endpointsPerService);
    positive("namespaces", namespaces);
    positive("proxies", proxies);
    positive("channels", channels);
    positive("proxy-threads", proxyThreads);
    positive("changes", changes);
    notNegative("warmup-full-pushes", warmupFullPushes);
    notNegative("full-pushes", fullPushes);
    positive("translations", translations);
    Objects.requireNonNull(gap, "gap");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(jsonOut, "jsonOut");
  }

  /**
   * Reads {@code --name value} pairs over {@link #DEFAULTS}.
   *
   * @throws IllegalArgumentException an unknown option, a missing value or a bad number; the
   *     message names the option
   */
  static BenchOptions parse(String... args) {
    Map<String, String> given = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (!KNOWN.contains(name)) {
        throw new IllegalArgumentException("unknown option " + name + "\n" + usage());
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(name + ": missing value\n" + usage());
      }
      given.put(name, args[++i]);
    }
    BenchOptions d = DEFAULTS;
    return new BenchOptions(
        number(given, "--services", d.services),
        number(given, "--endpoints-per-service", d.endpointsPerService),
        number(given, "--namespaces", d.namespaces),
        number(given, "--proxies", d.proxies),
        number(given, "--channels", d.channels),
        number(given, "--proxy-threads", d.proxyThreads),
        number(given, "--changes", d.changes),
        number(given, "--warmup-full-pushes", d.warmupFullPushes),
        number(given, "--full-pushes", d.fullPushes),
        number(given, "--translations", d.translations),
        Duration.ofMillis(number(given, "--gap-ms", (int) d.gap.toMillis())),
        d.timeout,
        Optional.ofNullable(given.get("--json-out")).map(Path::of));
  }

  /** The options, one per line. */
  static String usage() {
    return String.join(
        "\n",
        "options (defaults: the issue's scale):",
        "  --services N               services in the registry (1000)",
        "  --endpoints-per-service N  endpoints of each service (10)",
        "  --namespaces N             namespaces of services and proxies (10)",
        "  --proxies N                simulated sidecars holding ADS streams (200)",
        "  --channels N               HTTP/2 connections they share (200: one each)",
        "  --proxy-threads N          their event loop and callback threads (2)",
        "  --changes N                single-endpoint changes to time (20)",
        "  --warmup-full-pushes N     full pushes first, while the JIT compiles (2)",
        "  --full-pushes N            full pushes to time (5)",
        "  --translations N           repetitions of each translation timing (10)",
        "  --gap-ms N                 pause between changes (300)",
        "  --json-out PATH            also write the results there as JSON");
  }

  /** These options writing JSON to {@code path}. */
  BenchOptions withJsonOut(Path path) {
    return new BenchOptions(services, endpointsPerService, namespaces, proxies, channels,
        proxyThreads, changes, warmupFullPushes, fullPushes, translations, gap, timeout, Optional.of(path));
  }

  private static int number(Map<String, String> given, String name, int fallback) {
    String value = given.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": '" + value + "' is not a whole number");
    }
  }

  private static void notNegative(String name, int value) {
    if (value < 0) {
      throw new IllegalArgumentException("--" + name + " must not be negative, got " + value);
    }
  }

  private static void positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException("--" + name + " must be at least 1, got " + value);
    }
  }
}
