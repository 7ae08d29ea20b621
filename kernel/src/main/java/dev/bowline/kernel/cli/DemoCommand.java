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

/** {@code bowline demo}: a small mesh on this machine, with what to open and what to try. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run a small mesh on this machine: the control plane, a frontend and two versions of a backend"
          + " each with its sidecar, an ingress gateway, and a routing example. Ctrl-C stops it."
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

  @Option(names = "--api-port", paramLabel = "PORT", defaultValue = "15014",
      description = "The control plane's API port on 127.0.0.1, for bowlinectl (default: ${DEFAULT-VALUE}).")
  int apiPort;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PluginHost plugins = host.startPlugins(spec.commandLine().getErr(), "bowline demo").orElse(null);
    if (plugins == null) {
      return ExitCodes.FAILED;
    }
    Path dataDir = Files.createTempDirectory("bowline-demo");
    Demo demo;
    try {
      demo = Demo.start(new DemoOptions(gatewayPort, xdsPort, apiPort, dataDir), plugins);
    } catch (IOException | RuntimeException e) {
      spec.commandLine().getErr().println("bowline demo: cannot start: " + e.getMessage()
          + " (ports in use? try --gateway-port, --xds-port, --api-port)");
      plugins.close();
      return ExitCodes.FAILED;
    }
    String ctl = apiPort == 15014 ? "bowlinectl" : "bowlinectl --server " + demo.apiUrl();
    out.printf("""

        Bowline demo is running. Try:

          # the gateway -> frontend -> backend (80%% v1, 20%% v2)
          curl %1$s
          # a header match: always backend v2
          curl -H 'end-user: jason' %1$s
          # every proxy, SYNCED with the control plane
          %2$s proxy-status
          %2$s get virtualservices
          %2$s proxy-config routes frontend-v1.default

        Shift all backend traffic to v2:

          %2$s apply -f - <<'EOF'
          apiVersion: networking.istio.io/v1
          kind: VirtualService
          metadata: {name: backend}
          spec:
            hosts: [backend]
            http:
            - route:
              - destination: {host: backend, subset: v2}
          EOF

        Ctrl-C stops the demo.
        """, demo.gatewayUrl(), ctl);
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
