package dev.bowline.kernel.cli;

import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.kernel.proxy.JoinCredentials;
import dev.bowline.kernel.proxy.MeshProxyOptions;
import java.util.Optional;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of {@code bowline proxy} that join it to the mesh: where the control plane is and
 * what the proxy announces (its workload's service, namespace, service account, labels, the
 * application's port and the sidecar's ports). A picocli mixin.
 */
final class MeshOptions {

  @Option(names = "--control-plane", paramLabel = "HOST:PORT",
      description = "Join the mesh: take configuration from this control plane (its mutual TLS port,"
          + " 15012; with --plaintext its plaintext xDS port, 15010).")
  String controlPlane;

  @Mixin JoinOptions join;

  @Option(names = "--plaintext",
      description = "Take configuration over plaintext xDS, with no workload identity. Local development only.")
  boolean plaintext;

  @Option(names = "--gateway", description = "Run as an ingress gateway (serves Gateway resources whose selector matches --labels).")
  boolean gateway;

  @Option(names = "--service", paramLabel = "NAME", description = "The service this workload serves; it is registered while the proxy is connected.")
  String service;

  @Option(names = "--namespace", paramLabel = "NS", description = "The workload's namespace (default: default).")
  String namespace;

  @Option(names = "--service-account", paramLabel = "SA", description = "The workload's service account (default: the service name, else default).")
  String serviceAccount;

  @Option(names = "--labels", paramLabel = "K=V[,K=V...]", split = ",", description = "The workload's labels, such as app=reviews,version=v2.")
  Map<String, String> labels = new LinkedHashMap<>();

  @Option(names = "--app-port", paramLabel = "PORT", description = "The application's port: inbound traffic is forwarded to 127.0.0.1:PORT.")
  Integer appPort;

  @Option(names = "--workload-name", paramLabel = "NAME", description = "The workload's name (default: <service>-<process id>).")
  String workloadName;

  @Option(names = "--ip", paramLabel = "ADDRESS", description = "The address other workloads reach this one at (default: this machine's first non-loopback IPv4 address, else 127.0.0.1).")
  String ip;

  @Option(names = "--inbound-port", paramLabel = "PORT", description = "The sidecar's inbound listener (default: 15006).")
  Integer inboundPort;

  @Option(names = "--outbound-port", paramLabel = "PORT", description = "The sidecar's outbound listener on 127.0.0.1 (default: 15001).")
  Integer outboundPort;

  @Option(names = "--admin-port", paramLabel = "PORT", description = "The admin server on 127.0.0.1 (default: 15000).")
  Integer adminPort;

  boolean anyMeshOptionGiven() {
    return plaintext || join.anyGiven()
        || gateway || service != null || namespace != null || serviceAccount != null || !labels.isEmpty()
        || appPort != null || workloadName != null || ip != null || inboundPort != null
        || outboundPort != null || adminPort != null;
  }

  /**
   * The options as the runtime takes them.
   *
   * @throws IllegalArgumentException naming the option that is malformed
   */
  MeshProxyOptions toOptions() {
    HostPorts.parse("--control-plane", controlPlane);
    String ns = namespace == null ? "default" : namespace;
    KubernetesNames.requireDnsLabel("--namespace", ns);
    if (service != null) {
      KubernetesNames.requireDnsLabel("--service", service);
    }
    if (service != null && appPort == null && !gateway) {
      throw new IllegalArgumentException("--service needs --app-port: the port the application listens on");
    }
    KubernetesNames.requireLabels("--labels", labels);
    String sa = serviceAccount != null ? serviceAccount : service != null ? service : "default";
    String workload = workloadName != null ? workloadName
        : (service != null ? service : gateway ? "gateway" : "proxy") + "-" + ProcessHandle.current().pid();
    KubernetesNames.requireDnsLabel("--workload-name", workload);
    String address = ip != null ? ip : defaultAddress();
    ProxyNode.Type type = gateway ? ProxyNode.Type.ROUTER : ProxyNode.Type.SIDECAR;
    ProxyNode node = new ProxyNode(
        ProxyNode.nodeId(type, address, workload, ns, MeshSettings.DEFAULTS.domainSuffix()),
        type, address, workload, ns, sa, labels, service == null ? "" : service,
        appPort == null ? OptionalInt.empty() : OptionalInt.of(port("--app-port", appPort)),
        inboundPort == null ? ProxyNode.DEFAULT_INBOUND_PORT : port("--inbound-port", inboundPort),
        outboundPort == null ? ProxyNode.DEFAULT_OUTBOUND_PORT : port("--outbound-port", outboundPort));
    int admin = adminPort == null ? 15000 : port("--admin-port", adminPort);
    return new MeshProxyOptions(controlPlane, node, new java.net.InetSocketAddress("127.0.0.1", admin), joinCredentials());
  }

  /** How the proxy joins: over mutual TLS with a token and the trust bundle, or plaintext. */
  private Optional<JoinCredentials> joinCredentials() {
    if (plaintext) {
      if (join.anyGiven()) {
        throw new IllegalArgumentException(
            "--plaintext joins with no identity: drop --join-token, --join-token-file, --ca-root and --trust-domain");
      }
      return Optional.empty();
    }
    return Optional.of(join.credentials("; for a local plaintext control plane add --plaintext"));
  }

  private static int port(String option, int value) {
    if (value < 1 || value > 65535) {
      throw new IllegalArgumentException(option + " " + value + ": ports are 1-65535");
    }
    return value;
  }

  private static String defaultAddress() {
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp() || nic.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLinkLocalAddress()) {
            return a.getHostAddress();
          }
        }
      }
    } catch (SocketException e) {
      // fall through to loopback
    }
    return "127.0.0.1";
  }
}
