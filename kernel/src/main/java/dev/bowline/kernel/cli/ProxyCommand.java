package dev.bowline.kernel.cli;

import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.kernel.proxy.MeshProxyOptions;
import dev.bowline.kernel.proxy.ProxyRuntime;
import dev.bowline.proxy.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bowline proxy}: the sidecar or gateway proxy, either run from an Envoy v3 bootstrap file as
 * people run Envoy alone, or joined to the mesh with {@code --control-plane}, taking its listeners,
 * routes, clusters and endpoints from Pilot over ADS. Load balancers from plugins are available to its clusters. On SIGTERM or
 * {@code POST /drain_listeners} it drains: stops accepting, closes idle connections, lets requests
 * in flight finish within the drain time, then exits.
 */
@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    description = {
      "Run the proxy from an Envoy v3 bootstrap (--bootstrap), or as a sidecar or gateway of the mesh"
          + " configured by the control plane (--control-plane).",
      "Exit code 1 when the bootstrap is invalid (each problem names its field)."
    })
final class ProxyCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin HostOptions host;

  @Option(
      names = {"-c", "--bootstrap"},
      paramLabel = "FILE",
      description = "Run alone from an Envoy v3 bootstrap in YAML or JSON.")
  Path bootstrap;

  @Mixin MeshOptions mesh;

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      description = "Event-loop threads serving connections (default: the number of cores).")
  Integer concurrency;

  @Option(
      names = "--drain-time",
      paramLabel = "DURATION",
      defaultValue = "PT5S",
      description = "How long requests in flight may take to finish when draining, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration drainTime;

  @Override
  public Integer call() throws Exception {
    int threads = concurrency != null ? concurrency : Runtime.getRuntime().availableProcessors();
    if (threads < 1) {
      spec.commandLine().getErr().println("bowline proxy: --concurrency must be at least 1");
      return ExitCodes.USAGE;
    }
    if ((bootstrap == null) == (mesh.controlPlane == null)) {
      spec.commandLine().getErr().println(
          "bowline proxy: give either --bootstrap FILE (run alone) or --control-plane HOST:PORT (join the mesh)");
      return ExitCodes.USAGE;
    }
    MeshProxyOptions meshOptions = null;
    if (bootstrap == null) {
      try {
        meshOptions = mesh.toOptions();
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("bowline proxy: " + e.getMessage());
        return ExitCodes.USAGE;
      }
    } else if (mesh.anyMeshOptionGiven()) {
      spec.commandLine().getErr().println(
          "bowline proxy: --service, --labels and the other mesh options need --control-plane, not --bootstrap");
      return ExitCodes.USAGE;
    }
    PluginHost plugins = host.startPlugins(spec.commandLine().getErr(), "bowline proxy").orElse(null);
    if (plugins == null) {
      return ExitCodes.FAILED;
    }
    ProxyRuntime runtime;
    try {
      runtime = bootstrap != null
          ? ProxyRuntime.start(bootstrap, threads, plugins)
          : ProxyRuntime.startMesh(meshOptions, threads, plugins);
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("bowline proxy: invalid bootstrap " + e.getMessage());
      plugins.close();
      return ExitCodes.FAILED;
    } catch (RuntimeException e) {
      spec.commandLine().getErr().println("bowline proxy: cannot start: " + e.getMessage());
      plugins.close();
      return ExitCodes.FAILED;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  runtime.drainAndStop(drainTime);
                  plugins.close(); // the JVM may halt before the main thread closes them
                },
                "bowline-shutdown"));
    runtime.awaitStop();
    plugins.close();
    return ExitCodes.OK;
  }
}
