package dev.bowline.kernel.cli;

import dev.bowline.kernel.demo.Demo;
import dev.bowline.kernel.demo.DemoOptions;
import dev.bowline.kernel.plugin.PluginHost;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bowline demo}: Istio's Bookinfo on this machine, with what to open and what to try. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run Istio's Bookinfo on this machine: the control plane, productpage, details, reviews v1/v2/v3"
          + " and ratings, each with its sidecar, and an ingress gateway. Ctrl-C stops it."
    })
final class DemoCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin HostOptions host;

  @Option(names = "--gateway-port", paramLabel = "PORT", defaultValue = "8080",
      description = "The ingress gateway's port (default: ${DEFAULT-VALUE}).")
  int gatewayPort;

  @Option(names = "--xds-port", paramLabel = "PORT", defaultValue = "15010",
      description = "The control plane's xDS port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int xdsPort;

  @Option(names = "--secure-port", paramLabel = "PORT", defaultValue = "15012",
      description = "The control plane's mutual TLS port (Citadel and xDS) on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int securePort;

  @Option(names = "--api-port", paramLabel = "PORT", defaultValue = "15014",
      description = "The control plane's API port on 127.0.0.1, for bowlinectl (default: ${DEFAULT-VALUE}).")
  int apiPort;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path dataDir = Files.createTempDirectory("bowline-demo");
    PluginHost plugins = host.startPlugins(spec.commandLine().getErr(), "bowline demo", dataDir).orElse(null);
    if (plugins == null) {
      return ExitCodes.FAILED;
    }
    Demo demo;
    try {
      demo = Demo.start(new DemoOptions(gatewayPort, xdsPort, apiPort, dataDir, securePort), plugins);
    } catch (IOException | RuntimeException e) {
      spec.commandLine().getErr().println("bowline demo: cannot start: " + e.getMessage()
          + " (ports in use? try --gateway-port, --xds-port, --secure-port, --api-port)");
      plugins.close();
      return ExitCodes.FAILED;
    }
    String server = apiPort == 15014 ? "" : " --server " + demo.apiUrl();
    out.printf("""

        Bowline demo is running Bookinfo. Open %1$s in a browser
        (reload: reviews v1, v2 and v3 take turns; "Sign in" as jason sends end-user: jason).

          bowlinectl proxy-status%2$s
          bowlinectl proxy-config routes productpage-v1.default%2$s
          # route every service to v1 (the first step of Istio's request-routing task)
          bowlinectl apply -f samples/bookinfo/networking/virtual-service-all-v1.yaml%2$s

        The README's "Traffic management on Bookinfo" walks through Istio's tasks with the YAML to
        apply (request routing, fault injection, traffic shifting, timeouts, circuit breaking,
        mirroring, outlier detection, health checks). Ctrl-C stops the demo.
        """, demo.productPageUrl(), server);
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      demo.close();
      plugins.close();
      stopped.countDown();
    }, "bowline-demo-shutdown"));
    stopped.await();
    return ExitCodes.OK;
  }
}
