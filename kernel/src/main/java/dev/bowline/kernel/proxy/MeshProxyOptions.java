package dev.bowline.kernel.proxy;

import dev.bowline.kernel.pilot.node.ProxyNode;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * How a proxy joins the mesh: where the control plane is, who it is (the node it announces), and
 * how it proves it. {@code bowline proxy --control-plane HOST:15012 --join-token ... --ca-root
 * root.pem --service reviews --app-port 9080 ...}.
 *
 * @param controlPlane the control plane's address, {@code host:port}: its mutual TLS port, or with
 *     no {@code join} its plaintext xDS port
 * @param node what the proxy announces: type, identity, labels, service, its ports
 * @param admin the admin server's address (Istio: 127.0.0.1:15000)
 * @param join how to join over mutual TLS; empty: plaintext xDS and no workload identity (local
 *     development only)
 */
public record MeshProxyOptions(
    String controlPlane, ProxyNode node, InetSocketAddress admin, Optional<JoinCredentials> join) {

  public MeshProxyOptions {
    Objects.requireNonNull(controlPlane, "controlPlane");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(admin, "admin");
    Objects.requireNonNull(join, "join");
  }

  /** A proxy that takes its configuration in plaintext and has no workload identity. */
  public MeshProxyOptions(String controlPlane, ProxyNode node, InetSocketAddress admin) {
    this(controlPlane, node, admin, Optional.empty());
  }
}
