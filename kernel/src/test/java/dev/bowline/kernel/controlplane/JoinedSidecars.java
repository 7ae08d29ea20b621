package dev.bowline.kernel.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.kernel.proxy.JoinCredentials;
import dev.bowline.kernel.proxy.MeshProxyOptions;
import dev.bowline.kernel.proxy.ProxyRuntime;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Sidecars that join a control plane over its mutual TLS port as a VM's proxy does: a join token
 * made through the control plane's API, the trust bundle it serves, the workload certificate from
 * Citadel. For end-to-end tests of the mesh's mutual TLS.
 */
public final class JoinedSidecars {

  /** The trust domain of the tests' meshes. */
  public static final String TRUST_DOMAIN = "cluster.local";

  private JoinedSidecars() {}

  /**
   * A sidecar of namespace {@code default} named {@code workload} running as {@code
   * serviceAccount}, with its ports; {@code service} empty and {@code appPort} 0 for a client with
   * no application port.
   */
  public static ProxyNode node(String workload, String serviceAccount, Map<String, String> labels,
      String service, int appPort, int inboundPort, int outboundPort) {
    return new ProxyNode(
        ProxyNode.nodeId(ProxyNode.Type.SIDECAR, "127.0.0.1", workload, "default", TRUST_DOMAIN),
        ProxyNode.Type.SIDECAR, "127.0.0.1", workload, "default", serviceAccount, labels, service,
        appPort == 0 ? OptionalInt.empty() : OptionalInt.of(appPort), inboundPort, outboundPort);
  }

  /**
   * Starts the sidecar {@code node} joined to {@code controlPlane} with a fresh join token for its
   * service account, and waits for its first workload certificate. The caller stops it.
   */
  public static ProxyRuntime join(ControlPlane controlPlane, PluginHost plugins, ProxyNode node,
      int adminPort) throws Exception {
    ProxyRuntime proxy = ProxyRuntime.startMesh(new MeshProxyOptions(
        "127.0.0.1:" + controlPlane.secureAddress().getPort(), node,
        new InetSocketAddress("127.0.0.1", adminPort),
        Optional.of(new JoinCredentials(Optional.of(token(controlPlane, node.serviceAccount())),
            controlPlane.trustBundle(), TRUST_DOMAIN))),
        1, plugins);
    await().atMost(Duration.ofSeconds(30))
        .until(() -> proxy.workloadSecrets().orElseThrow().certificate().isPresent());
    return proxy;
  }

  /** A join token for {@code serviceAccount} in {@code default}, made through the API. */
  public static String token(ControlPlane controlPlane, String serviceAccount) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controlPlane.apiAddress().getPort()
                + "/api/v1/tokens?namespace=default&serviceAccount=" + serviceAccount + "&ttl=1h"))
            .POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return new ObjectMapper().readTree(r.body()).path("token").asText();
  }

  /** {@code n} distinct ports free now (released again: a later bind may still race). */
  public static int[] freePorts(int n) throws IOException {
    List<ServerSocket> open = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0);
        open.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : open) {
        s.close();
      }
    }
  }
}
