package dev.bowline.kernel.cli;

import dev.bowline.kernel.agent.AgentOptions;
import dev.bowline.kernel.agent.AgentRuntime;
import dev.bowline.kernel.agent.ProxylessNode;
import dev.bowline.kernel.pilot.node.ProxyNode;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bowline agent}: Istio's pilot-agent for a proxyless gRPC application. It joins the mesh
 * with a join token as {@code bowline proxy} does (the same {@link JoinOptions}), holds the
 * workload identity, serves ADS to the application in plaintext on loopback, relays it to the
 * control plane's mutual TLS port, and writes the application's grpc-java bootstrap. On SIGTERM it
 * ends the application's streams and stops.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
      "Run the agent of a proxyless gRPC application: it gets the workload certificate with a join token,"
          + " serves xDS to the application on loopback (plaintext) and relays it to the control plane over"
          + " mutual TLS.",
      "The application runs with GRPC_XDS_BOOTSTRAP=<the --grpc-bootstrap file> and targets xds:///HOST:PORT."
    })
final class AgentCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--control-plane", paramLabel = "HOST:PORT", required = true,
      description = "The control plane's mutual TLS port (15012).")
  String controlPlane;

  @Mixin JoinOptions join;

  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:15010",
      description = "Where the application's xDS client connects, in plaintext; a loopback address only"
          + " (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--grpc-bootstrap", paramLabel = "FILE", required = true,
      description = "Write the application's grpc-java xDS bootstrap here (replaced atomically).")
  Path grpcBootstrap;

  @Option(names = "--node-id", paramLabel = "ID", required = true,
      description = "The application's node id, such as orders-1 (any id but a sidecar's or gateway's"
          + " TYPE~IP~NAME.NS~DOMAIN).")
  String nodeId;

  @Option(names = "--namespace", paramLabel = "NS", required = true,
      description = "The workload's namespace: the one of the join token.")
  String namespace;

  @Option(names = "--service-account", paramLabel = "SA",
      description = "The workload's service account (default: left out of the bootstrap; the agent"
          + " announces the one its certificate proves).")
  String serviceAccount;

  @Option(names = "--labels", paramLabel = "K=V[,K=V...]", split = ",",
      description = "The workload's labels, such as app=orders,version=v1.")
  Map<String, String> labels = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    AgentOptions options;
    try {
      options = toOptions();
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("bowline agent: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    AgentRuntime agent;
    try {
      agent = AgentRuntime.start(options);
    } catch (IOException | RuntimeException e) {
      spec.commandLine().getErr().println("bowline agent: cannot start: " + e.getMessage());
      return ExitCodes.FAILED;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(agent::stop, "bowline-shutdown"));
    agent.awaitStop();
    return ExitCodes.OK;
  }

  /**
   * The options as the agent takes them.
   *
   * @throws IllegalArgumentException naming the option that is missing or malformed
   */
  AgentOptions toOptions() {
    HostPorts.parse("--control-plane", controlPlane);
    InetSocketAddress listenAddress = HostPorts.parse("--listen", listen);
    if (listenAddress.isUnresolved()) {
      throw new IllegalArgumentException("--listen '" + listen + "': the host cannot be resolved");
    }
    if (!listenAddress.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException("--listen '" + listen + "' is not a loopback address: the application's"
          + " hop to the agent is plaintext, so the agent listens on loopback only (such as 127.0.0.1:15010 or"
          + " [::1]:15010)");
    }
    if (nodeId.isBlank()) {
      throw new IllegalArgumentException("--node-id may not be blank");
    }
    if (ProxyNode.fromEnvoyNode(Node.newBuilder().setId(nodeId).build()).type() != ProxyNode.Type.PROXYLESS) {
      throw new IllegalArgumentException("--node-id '" + nodeId + "' has the shape of a sidecar's or gateway's id"
          + " (TYPE~IP~NAME.NS~DOMAIN); a proxyless application's id is any other, such as orders-1");
    }
    KubernetesNames.requireDnsLabel("--namespace", namespace);
    if (serviceAccount != null) {
      KubernetesNames.requireDnsLabel("--service-account", serviceAccount);
    }
    KubernetesNames.requireLabels("--labels", labels);
    return new AgentOptions(controlPlane, join.credentials(""), listenAddress,
        new ProxylessNode(nodeId, namespace, Optional.ofNullable(serviceAccount), labels), grpcBootstrap);
  }
}
