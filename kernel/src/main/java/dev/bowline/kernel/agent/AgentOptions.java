package dev.bowline.kernel.agent;

import dev.bowline.kernel.proxy.JoinCredentials;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How {@code bowline agent} runs: the control plane it joins and how it proves its identity there,
 * where the application's xDS client reaches it, and the node and bootstrap it gives the
 * application. Immutable.
 *
 * @param controlPlane the control plane's mutual TLS port, {@code host:port} (Istio's 15012)
 * @param join the join token, the trust bundle that verifies the control plane, the trust domain
 * @param listen where the agent serves ADS to the application, in plaintext: a loopback address
 * @param node what the application announces (written into its bootstrap)
 * @param grpcBootstrap where the agent writes the application's grpc-java xDS bootstrap
 */
public record AgentOptions(
    String controlPlane, JoinCredentials join, InetSocketAddress listen, ProxylessNode node, Path grpcBootstrap) {

  public AgentOptions {
    Objects.requireNonNull(controlPlane, "controlPlane");
    Objects.requireNonNull(join, "join");
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(grpcBootstrap, "grpcBootstrap");
    if (join.joinToken().isEmpty()) {
      throw new IllegalArgumentException("the agent needs a join token for its first certificate");
    }
    if (listen.getAddress() == null || !listen.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException("the agent serves plaintext ADS on a loopback address only, not "
          + listen.getHostString() + ":" + listen.getPort());
    }
  }
}
