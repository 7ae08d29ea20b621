package dev.bowline.kernel.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
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
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ingress gateway ({@code bowline proxy --gateway}) driven by Pilot: a Gateway with an HTTP and
 * an HTTPS (SIMPLE, certificate files) server and a VirtualService bound to it, checked with curl.
 */
class GatewayTest {

  @TempDir Path dir;
  private PluginHost plugins;
  private ControlPlane controlPlane;
  private ProxyRuntime gateway;
  private HttpServer backend;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.drainAndStop(Duration.ZERO);
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
    if (plugins != null) {
      plugins.close();
    }
    if (backend != null) {
      backend.stop(0);
    }
  }

  @Test
  void servesHttpAndHttpsServersWithTheBoundVirtualService() throws Exception {
    backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    backend.createContext("/", ex -> {
      byte[] body = ("web backend saw " + ex.getRequestURI().getPath()).getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    backend.start();
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(),
        "-subj", "/CN=web.example.com", "-addext", "subjectAltName=DNS:web.example.com");

    plugins = PluginHost.start(PluginHostConfig.of(CaPluginJar.installInto(dir.resolve("plugins"))), new MetricRegistry());
    controlPlane = ControlPlane.start(new ControlPlaneOptions(Optional.empty(), Optional.of(dir.resolve("data")),
        new InetSocketAddress("127.0.0.1", 0), Optional.of(new InetSocketAddress("127.0.0.1", 0)),
        new InetSocketAddress("127.0.0.1", 0), MeshSettings.DEFAULTS, Duration.ofSeconds(10),
        ControlPlaneOptions.DEFAULT_CA), plugins);
    int httpPort = freePort();
    int httpsPort = freePort();
    List<ApplyOutcome> outcomes = controlPlane.store().apply("gateway.yaml", """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: web}
        spec:
          hosts: [web.example.internal]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 80, name: http, protocol: HTTP}]
          endpoints: [{address: 127.0.0.1, ports: {http: %d}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: web-gateway, namespace: istio-system}
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: %d, name: http, protocol: HTTP}
            hosts: ["*"]
          - port: {number: %d, name: https, protocol: HTTPS}
            hosts: [web.example.com]
            tls: {mode: SIMPLE, serverCertificate: %s, privateKey: %s}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: web}
        spec:
          hosts: [web.example.com]
          gateways: [istio-system/web-gateway]
          http:
          - match: [{uri: {prefix: /api/}}]
            rewrite: {uri: /v1/}
            route: [{destination: {host: web.example.internal}}]
        """.formatted(backend.getAddress().getPort(), httpPort, httpsPort,
            dir.resolve("cert.pem"), dir.resolve("key.pem")), ConfigStore.API_SOURCE);
    assertThat(outcomes).allSatisfy(o -> assertThat(o.errorMessages()).isEmpty());

    ProxyNode node = new ProxyNode(
        ProxyNode.nodeId(ProxyNode.Type.ROUTER, "127.0.0.1", "ingress", "istio-system", "cluster.local"),
        ProxyNode.Type.ROUTER, "127.0.0.1", "ingress", "istio-system", "ingress",
        Map.of("istio", "ingressgateway"), "", OptionalInt.empty(), 15006, 15001);
    gateway = ProxyRuntime.startMesh(new MeshProxyOptions(
        "127.0.0.1:" + controlPlane.plaintextXdsAddress().getPort(), node,
        new InetSocketAddress("127.0.0.1", freePort())), 1, plugins);

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(run("curl", "-sS", "-H", "Host: web.example.com", "http://127.0.0.1:" + httpPort + "/api/items"))
            .isEqualTo("web backend saw /v1/items"));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(run("curl", "-sS", "--cacert", dir.resolve("cert.pem").toString(),
            "--resolve", "web.example.com:" + httpsPort + ":127.0.0.1",
            "https://web.example.com:" + httpsPort + "/api/secure"))
            .isEqualTo("web backend saw /v1/secure"));
    assertThat(run("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: other.example.com",
        "http://127.0.0.1:" + httpPort + "/api/items"))
        .as("a host no VirtualService binds to the gateway").isEqualTo("404");
  }

  /** Runs {@code command}, failing unless it exits 0 within 30 s; its output. */
  static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
