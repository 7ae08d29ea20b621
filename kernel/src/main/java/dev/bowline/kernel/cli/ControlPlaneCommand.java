package dev.bowline.kernel.cli;

import dev.bowline.kernel.controlplane.ControlPlane;
import dev.bowline.kernel.controlplane.ControlPlaneOptions;
import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.kernel.plugin.PluginHost;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bowline control-plane}: Pilot (config store, registry, xDS) with its HTTP API, until
 * SIGTERM. Everything applied through the API is kept in the data directory and survives a
 * restart; the config directory is watched for Istio YAML files.
 */
@Command(
    name = "control-plane",
    mixinStandardHelpOptions = true,
    description = {
      "Run the control plane: Pilot serving xDS v3 (ADS) and Citadel issuing workload certificates on"
          + " one gRPC port over mutual TLS, and the HTTP API bowlinectl uses.",
      "Exit code 1 when a port cannot be bound or a directory cannot be used."
    })
final class ControlPlaneCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin HostOptions host;

  @Option(names = "--config-dir", paramLabel = "DIR",
      description = "A directory of Istio YAML files to load and watch.")
  Path configDir;

  @Option(names = "--data-dir", paramLabel = "DIR",
      description = "Where resources applied through the API are stored (default: <bowline home>/data).")
  Path dataDir;

  @Option(names = "--xds-address", paramLabel = "HOST:PORT", defaultValue = "0.0.0.0:15012",
      description = "gRPC address serving Citadel and ADS over mutual TLS (default: ${DEFAULT-VALUE}).")
  String xdsAddress;

  @Option(names = "--plaintext-xds-address", paramLabel = "HOST:PORT",
      description = "Also serve ADS in plaintext here (Istio's 15010). Local development only: anyone"
          + " who reaches it gets configuration and may register any workload. Off by default.")
  String plaintextXdsAddress;

  @Option(names = "--ca", paramLabel = "NAME", defaultValue = ControlPlaneOptions.DEFAULT_CA,
      description = "Citadel's certificate authority: the name of a CA extension from a plugin,"
          + " configured in plugins.config.<plugin id> (default: ${DEFAULT-VALUE}).")
  String certificateAuthority;

  @Option(names = "--api-address", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:15014",
      description = "HTTP API address for bowlinectl, health and metrics (default: ${DEFAULT-VALUE}).")
  String apiAddress;

  @Option(names = "--registration-grace-period", paramLabel = "DURATION", defaultValue = "PT10S",
      description = "How long a disconnected sidecar stays registered, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration gracePeriod;

  @Option(names = "--trust-domain", paramLabel = "DOMAIN", defaultValue = "cluster.local",
      description = "The SPIFFE trust domain (default: ${DEFAULT-VALUE}).")
  String trustDomain;

  @Override
  public Integer call() throws Exception {
    ControlPlaneOptions options;
    try {
      if (configDir != null && !Files.isDirectory(configDir)) {
        throw new IllegalArgumentException("--config-dir " + configDir + ": not a directory");
      }
      options = new ControlPlaneOptions(
          Optional.ofNullable(configDir),
          Optional.of(dataDir != null ? dataDir : BowlineHome.dir().resolve("data")),
          HostPorts.parse("--xds-address", xdsAddress),
          plaintextXdsAddress == null ? Optional.empty()
              : Optional.of(HostPorts.parse("--plaintext-xds-address", plaintextXdsAddress)),
          HostPorts.parse("--api-address", apiAddress),
          new MeshSettings(MeshSettings.DEFAULTS.rootNamespace(), MeshSettings.DEFAULTS.domainSuffix(), trustDomain),
          gracePeriod,
          certificateAuthority);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("bowline control-plane: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    PluginHost plugins = host.startPlugins(spec.commandLine().getErr(), "bowline control-plane",
        options.dataDir().get()).orElse(null);
    if (plugins == null) {
      return ExitCodes.FAILED;
    }
    ControlPlane controlPlane;
    try {
      controlPlane = ControlPlane.start(options, plugins);
    } catch (IOException | RuntimeException e) {
      spec.commandLine().getErr().println("bowline control-plane: cannot start: " + e.getMessage());
      plugins.close();
      return ExitCodes.FAILED;
    }
    spec.commandLine().getOut().println("bowline control-plane: Citadel and xDS over mutual TLS on "
        + controlPlane.secureAddress().getPort()
        + (options.plaintextXdsAddress().isPresent()
            ? ", plaintext xDS on " + controlPlane.plaintextXdsAddress().getPort() : "")
        + ", API on http://" + HostPorts.format(controlPlane.apiAddress()));
    spec.commandLine().getOut().flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      controlPlane.close();
      plugins.close();
      stopped.countDown();
    }, "bowline-shutdown"));
    stopped.await();
    return ExitCodes.OK;
  }
}
