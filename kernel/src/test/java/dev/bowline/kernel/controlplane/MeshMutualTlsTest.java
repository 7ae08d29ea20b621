package dev.bowline.kernel.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.bowline.kernel.pilot.config.ApplyOutcome;
import dev.bowline.kernel.pilot.config.ConfigStore;
import dev.bowline.kernel.pilot.node.ProxyNode;
import dev.bowline.kernel.plugin.PluginHost;
import dev.bowline.kernel.proxy.ProxyRuntime;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mesh's mutual TLS end to end: two workloads join with join tokens, each behind its own
 * sidecar; the client's sidecar reaches {@code ratings} over mutual TLS chosen automatically (its
 * endpoint has a sidecar), checked against {@code ratings}' identity (secure naming); the {@code
 * ratings} application sees the client's SPIFFE ID in {@code x-forwarded-client-cert}. Under
 * {@code STRICT} a plaintext client (curl) and {@code openssl s_client} without a client
 * certificate are refused while the mesh keeps working; {@code PERMISSIVE} takes both.
 */
class MeshMutualTlsTest {

  @TempDir Path dir;
  private SecureControlPlane secure;
  private PluginHost plugins;
  private ControlPlane controlPlane;
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    secure = SecureControlPlane.start(dir);
    plugins = secure.plugins();
    controlPlane = secure.controlPlane();
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    secure.close();
  }

  @Test
  void sidecarsSpeakMutualTlsAndPeerAuthenticationDecidesWhatRatingsAccepts() throws Exception {
    apply(RatingsUnderLoad.RATINGS_STRICT);
    int[] ports = JoinedSidecars.freePorts(7);
    int ratingsInbound = ports[1];
    HttpServer app = HttpServer.create(new InetSocketAddress("127.0.0.1", ports[0]), 16);
    app.createContext("/", ex -> {
      String xfcc = ex.getRequestHeaders().getFirst("x-forwarded-client-cert");
      byte[] body = ("ratings saw " + (xfcc == null ? "no client certificate" : xfcc))
          .getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    app.start();
    toClose.add(() -> app.stop(0));
    join(JoinedSidecars.node("ratings-1", "ratings", Map.of("app", "ratings"), "ratings", ports[0],
        ratingsInbound, ports[2]), ports[3]);
    int clientOutbound = ports[5];
    join(JoinedSidecars.node("sleep-1", "sleep", Map.of("app", "sleep"), "", 0, ports[4],
        clientOutbound), ports[6]);

    await().atMost(Duration.ofSeconds(40)).ignoreExceptions().untilAsserted(() ->
        assertThat(get(clientOutbound, "ratings"))
            .startsWith("ratings saw ")
            .contains("URI=spiffe://cluster.local/ns/default/sa/sleep"));

    // STRICT: nothing in plaintext, nothing without a client certificate.
    assertThat(exit("curl", "-sS", "-m", "5", "http://127.0.0.1:" + ratingsInbound + "/"))
        .as("plaintext curl under STRICT").isNotZero();
    String handshake = output("openssl", "s_client", "-connect", "127.0.0.1:" + ratingsInbound,
        "-quiet", "-no_ign_eof");
    assertThat(handshake).as("openssl s_client without a client certificate under STRICT")
        .doesNotContain("ratings saw");
    assertThat(get(clientOutbound, "ratings")).as("the mesh still works")
        .contains("By=spiffe://cluster.local/ns/default/sa/ratings;",
            "URI=spiffe://cluster.local/ns/default/sa/sleep");

    // PERMISSIVE: plaintext is served too, and sidecars keep using mutual TLS.
    apply("""
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: default, namespace: istio-system}
        spec:
          mtls: {mode: PERMISSIVE}
        """);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(output("curl", "-sS", "-m", "5", "http://127.0.0.1:" + ratingsInbound + "/"))
            .isEqualTo("ratings saw no client certificate"));
    assertThat(get(clientOutbound, "ratings")).contains("URI=spiffe://cluster.local/ns/default/sa/sleep");
  }

  private void join(ProxyNode node, int adminPort) throws Exception {
    ProxyRuntime proxy = JoinedSidecars.join(controlPlane, plugins, node, adminPort);
    toClose.add(() -> proxy.drainAndStop(Duration.ZERO));
  }

  private void apply(String yaml) {
    List<ApplyOutcome> outcomes = controlPlane.store().apply("mtls.yaml", yaml, ConfigStore.API_SOURCE);
    assertThat(outcomes).allSatisfy(o -> assertThat(o.errorMessages()).isEmpty());
  }

  /** A request to {@code host} through a sidecar's outbound port, as the application sends it. */
  private static String get(int outboundPort, String host) throws Exception {
    String body = output("curl", "-sS", "-m", "10", "-H", "Host: " + host,
        "http://127.0.0.1:" + outboundPort + "/");
    assertThat(body).as("curl through the sidecar").startsWith("ratings saw");
    return body;
  }

  private static int exit(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getOutputStream().close();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish");
    }
    return p.exitValue();
  }

  private static String output(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write("GET / HTTP/1.1\r\nHost: ratings\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish");
    }
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
