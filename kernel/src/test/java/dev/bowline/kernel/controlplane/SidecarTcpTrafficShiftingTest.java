package dev.bowline.kernel.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bowline.kernel.pilot.config.ApplyOutcome;
import dev.bowline.kernel.pilot.config.ConfigStore;
import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.kernel.plugin.CaPluginJar;
import dev.bowline.kernel.plugin.PluginHostConfig;
import dev.bowline.kernel.proxy.MeshProxyOptions;
import dev.bowline.kernel.proxy.ProxyRuntime;
import dev.bowline.proxy.stats.MetricRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Istio's TCP traffic shifting task between sidecars: a client reaches {@code tcp-echo} through
 * its sidecar's Sidecar egress listener, every connection first going to v1, then 80/20 between
 * v1 and v2 by the VirtualService's {@code tcp} weights, each version behind its own sidecar's
 * TCP inbound listener. Real sockets, the control plane and three sidecars in this JVM.
 */
class SidecarTcpTrafficShiftingTest {

  private static final int CONNECTIONS = 1000;

  @TempDir Path dir;
  private PluginHost plugins;
  private ControlPlane controlPlane;
  private final List<ProxyRuntime> sidecars = new ArrayList<>();
  private final List<ServerSocket> echoes = new ArrayList<>();

  @AfterEach
  void stop() throws IOException {
    for (ProxyRuntime s : sidecars) {
      s.drainAndStop(Duration.ZERO);
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
    if (plugins != null) {
      plugins.close();
    }
    for (ServerSocket s : echoes) {
      s.close();
    }
  }

  @Test
  void tcpWeightsShiftConnectionsBetweenVersions() throws Exception {
    int[] ports = JoinedSidecars.freePorts(10);
    int servicePort = ports[0];
    plugins = PluginHost.start(PluginHostConfig.of(CaPluginJar.installInto(dir.resolve("plugins"))), new MetricRegistry());
    controlPlane = ControlPlane.start(new ControlPlaneOptions(Optional.empty(), Optional.of(dir.resolve("data")),
        new InetSocketAddress("127.0.0.1", 0), Optional.of(new InetSocketAddress("127.0.0.1", 0)),
        new InetSocketAddress("127.0.0.1", 0), MeshSettings.DEFAULTS, Duration.ofSeconds(10),
        ControlPlaneOptions.DEFAULT_CA), plugins);
    apply("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: tcp-echo}
        spec:
          hosts: [tcp-echo]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: %d, name: tcp, protocol: TCP}]
          workloadSelector: {labels: {app: tcp-echo}}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: tcp-echo}
        spec:
          host: tcp-echo
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: v2}}
        ---
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: sleep}
        spec:
          workloadSelector: {labels: {app: sleep}}
          egress:
          - port: {number: %d, protocol: TCP, name: tcp-echo}
            hosts: [./tcp-echo.default.svc.cluster.local]
        """.formatted(servicePort, servicePort));
    apply(weights(100, 0));

    String xds = "127.0.0.1:" + controlPlane.plaintextXdsAddress().getPort();
    startEchoWorkload(xds, "v1", "one", ports[1], ports[2], ports[3]);
    startEchoWorkload(xds, "v2", "two", ports[4], ports[5], ports[6]);
    ProxyNode client = new ProxyNode(
        ProxyNode.nodeId(ProxyNode.Type.SIDECAR, "127.0.0.1", "sleep-1", "default", "cluster.local"),
        ProxyNode.Type.SIDECAR, "127.0.0.1", "sleep-1", "default", "sleep",
        Map.of("app", "sleep"), "", OptionalInt.empty(), ports[7], ports[8]);
    sidecars.add(ProxyRuntime.startMesh(
        new MeshProxyOptions(xds, client, new InetSocketAddress("127.0.0.1", ports[9])), 1, plugins));

    await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .untilAsserted(() -> assertThat(echo(servicePort, "hello")).isEqualTo("one hello"));
    assertThat(count(servicePort, 100)).as("every connection to v1").isEqualTo(Map.of("one", 100));

    apply(weights(80, 20));
    await().atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(echo(servicePort, "shifted?")).isEqualTo("two shifted?"));
    Map<String, Integer> split = count(servicePort, CONNECTIONS);
    assertThat(split.getOrDefault("one", 0) + split.getOrDefault("two", 0))
        .as("no connection failed or went elsewhere: %s", split).isEqualTo(CONNECTIONS);
    double v2 = 100.0 * split.getOrDefault("two", 0) / CONNECTIONS;
    assertThat(v2).as("v2's share of %d connections (%s)", CONNECTIONS, split).isBetween(15.0, 25.0);
  }

  private static String weights(int v1, int v2) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: tcp-echo}
        spec:
          hosts: [tcp-echo]
          tcp:
          - route:
            - destination: {host: tcp-echo, subset: v1}
              weight: %d
            - destination: {host: tcp-echo, subset: v2}
              weight: %d
        """.formatted(v1, v2);
  }

  private void apply(String yaml) {
    List<ApplyOutcome> outcomes = controlPlane.store().apply("tcp-echo.yaml", yaml, ConfigStore.API_SOURCE);
    assertThat(outcomes).allSatisfy(o -> assertThat(o.errorMessages()).isEmpty());
  }

  /** Istio's tcp-echo: answers each line with the line prefixed, then closes. */
  private void startEchoWorkload(String xds, String version, String prefix, int appPort, int inbound,
      int admin) throws IOException {
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress("127.0.0.1", appPort));
    echoes.add(server);
    Thread accept = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          Thread t = new Thread(() -> answer(s, prefix), "tcp-echo-" + version + "-connection");
          t.setDaemon(true);
          t.start();
        } catch (IOException closed) {
          return;
        }
      }
    }, "tcp-echo-" + version);
    accept.setDaemon(true);
    accept.start();
    String name = "tcp-echo-" + version;
    ProxyNode node = new ProxyNode(
        ProxyNode.nodeId(ProxyNode.Type.SIDECAR, "127.0.0.1", name, "default", "cluster.local"),
        ProxyNode.Type.SIDECAR, "127.0.0.1", name, "default", "tcp-echo",
        Map.of("app", "tcp-echo", "version", version), "tcp-echo", OptionalInt.of(appPort), inbound,
        JoinedSidecars.freePorts(1)[0]);
    sidecars.add(ProxyRuntime.startMesh(
        new MeshProxyOptions(xds, node, new InetSocketAddress("127.0.0.1", admin)), 1, plugins));
  }

  private static void answer(Socket s, String prefix) {
    try (s) {
      String line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
      if (line != null) {
        s.getOutputStream().write((prefix + " " + line + "\n").getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private static String echo(int port, String line) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
    }
  }

  /** How many of {@code n} connections each version answered ("failed" for the rest). */
  private static Map<String, Integer> count(int port, int n) {
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      String answer;
      try {
        answer = echo(port, "ping " + i);
      } catch (IOException e) {
        answer = null;
      }
      String key = answer != null && answer.endsWith(" ping " + i) ? answer.substring(0, answer.indexOf(' ')) : "failed";
      counts.merge(key, 1, Integer::sum);
    }
    return counts;
  }
}
