package dev.bowline.kernel.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.bowline.kernel.pilot.config.ApplyOutcome;
import dev.bowline.kernel.pilot.config.ConfigStore;
import dev.bowline.kernel.pilot.config.MeshSettings;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.kernel.plugin.CaPluginJar;
import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.kernel.plugin.PluginHostConfig;
import dev.bowline.kernel.proxy.MeshProxyOptions;
import dev.bowline.kernel.proxy.ProxyRuntime;
import dev.bowline.proxy.stats.MetricRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Istio's ingress TLS passthrough task: a Gateway TLS server in PASSTHROUGH mode and a
 * VirtualService {@code tls} rule by SNI send the client's still-encrypted connection to an HTTPS
 * backend, whose own certificate curl verifies through the gateway. Real processes and sockets.
 */
class GatewayTlsPassthroughTest {

  @TempDir Path dir;
  private PluginHost plugins;
  private ControlPlane controlPlane;
  private ProxyRuntime gateway;
  private HttpsServer backend;

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
  void routesByServerNameWithoutTerminatingTls() throws Exception {
    GatewayTest.run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString(),
        "-subj", "/CN=nginx.example.com", "-addext", "subjectAltName=DNS:nginx.example.com");
    GatewayTest.run("openssl", "pkcs12", "-export", "-in", dir.resolve("cert.pem").toString(),
        "-inkey", dir.resolve("key.pem").toString(), "-out", dir.resolve("backend.p12").toString(),
        "-passout", "pass:changeit");
    backend = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    backend.setHttpsConfigurator(new HttpsConfigurator(sslContext(dir.resolve("backend.p12"))));
    backend.createContext("/", ex -> {
      byte[] body = ("the backend's own TLS, path " + ex.getRequestURI().getPath())
          .getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    backend.start();

    plugins = PluginHost.start(PluginHostConfig.of(CaPluginJar.installInto(dir.resolve("plugins"))),
        new MetricRegistry());
    controlPlane = ControlPlane.start(new ControlPlaneOptions(Optional.empty(), Optional.of(dir.resolve("data")),
        new InetSocketAddress("127.0.0.1", 0), Optional.of(new InetSocketAddress("127.0.0.1", 0)),
        new InetSocketAddress("127.0.0.1", 0), MeshSettings.DEFAULTS, Duration.ofSeconds(10),
        ControlPlaneOptions.DEFAULT_CA), plugins);
    int tlsPort = JoinedSidecars.freePorts(1)[0];
    List<ApplyOutcome> outcomes = controlPlane.store().apply("passthrough.yaml", """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: my-nginx}
        spec:
          hosts: [my-nginx.mesh-external.svc.cluster.local]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 443, name: https, protocol: TLS}]
          endpoints: [{address: 127.0.0.1, ports: {https: %d}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: mygateway, namespace: istio-system}
        spec:
          selector: {istio: ingressgateway}
          servers:
          - port: {number: %d, name: https, protocol: HTTPS}
            tls: {mode: PASSTHROUGH}
            hosts: [nginx.example.com]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: nginx}
        spec:
          hosts: [nginx.example.com]
          gateways: [istio-system/mygateway]
          tls:
          - match:
            - port: %d
              sniHosts: [nginx.example.com]
            route:
            - destination:
                host: my-nginx.mesh-external.svc.cluster.local
                port: {number: 443}
        """.formatted(backend.getAddress().getPort(), tlsPort, tlsPort), ConfigStore.API_SOURCE);
    assertThat(outcomes).allSatisfy(o -> {
      assertThat(o.errorMessages()).isEmpty();
      assertThat(o.warningMessages()).isEmpty();
    });

    ProxyNode node = new ProxyNode(
        ProxyNode.nodeId(ProxyNode.Type.ROUTER, "127.0.0.1", "ingress", "istio-system", "cluster.local"),
        ProxyNode.Type.ROUTER, "127.0.0.1", "ingress", "istio-system", "ingress",
        Map.of("istio", "ingressgateway"), "", OptionalInt.empty(), 15006, 15001);
    gateway = ProxyRuntime.startMesh(new MeshProxyOptions(
        "127.0.0.1:" + controlPlane.plaintextXdsAddress().getPort(), node,
        new InetSocketAddress("127.0.0.1", JoinedSidecars.freePorts(1)[0])), 1, plugins);

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(GatewayTest.run("curl", "-sS", "--cacert", dir.resolve("cert.pem").toString(),
            "--resolve", "nginx.example.com:" + tlsPort + ":127.0.0.1",
            "https://nginx.example.com:" + tlsPort + "/index.html"))
            .isEqualTo("the backend's own TLS, path /index.html"));
    Process other = new ProcessBuilder("curl", "-sS", "-k", "--resolve",
        "other.example.com:" + tlsPort + ":127.0.0.1", "https://other.example.com:" + tlsPort + "/")
        .redirectErrorStream(true).start();
    assertThat(other.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(other.exitValue()).as("an SNI no rule names gets no connection").isNotZero();
  }

  private static SSLContext sslContext(Path p12) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, "changeit".toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }
}
