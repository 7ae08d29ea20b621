package dev.bowline.kernel.proxy;

import dev.bowline.kernel.pilot.node.ProxyNode;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * How a proxy joins the mesh: where the control plane is, and who it is (the node it announces).
 * {@code bowline proxy --control-plane HOST:15010 --service reviews --app-port 9080 ...}.
 *
 * @param controlPlane the control plane's xDS address, {@code host:port}
 * @param node what the proxy announces: type, identity, labels, service, its ports
 * @param admin the admin server's address (Istio: 127.0.0.1:15000)
 */
public record MeshProxyOptions(String controlPlane, ProxyNode node, InetSocketAddress admin) {

  public MeshProxyOptions {
    Objects.requireNonNull(controlPlane, "controlPlane");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(admin, "admin");
  }
}
