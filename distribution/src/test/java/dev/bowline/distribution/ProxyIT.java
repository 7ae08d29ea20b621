package dev.bowline.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code bin/bowline proxy} from the unpacked distribution with an Envoy bootstrap written as
 * Envoy's documentation writes one, and uses it with curl and the admin interface.
 */
class ProxyIT {

  private HttpServer upstream;
  private Process proxy;
  private int listenerPort;
  private int adminPort;
  private Distribution distribution;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() throws Exception {
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    upstream.setExecutor(Executors.newCachedThreadPool());
    upstream.createContext(
        "/",
        ex -> {
          String path = ex.getRequestURI().getPath();
          if (path.startsWith("/slow")) {
            try {
              Thread.sleep(1500);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          byte[] body = ("upstream saw " + path + " host=" + ex.getRequestHeaders().getFirst("host")).getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    upstream.start();
    listenerPort = freePort();
    adminPort = freePort();
    distribution = Distribution.unpack("proxy");
  }

  @AfterEach
  void stop() {
    if (proxy != null && proxy.isAlive()) {
      proxy.destroyForcibly();
    }
    upstream.stop(0);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private Path writeBootstrap() throws IOException {
    String yaml =
        """
        admin:
          address:
            socket_address: { address: 127.0.0.1, port_value: %d }
        static_resources:
          listeners:
          - name: listener_0
            address:
              socket_address: { address: 127.0.0.1, port_value: %d }
            filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: ingress_http
                  access_log:
                  - name: envoy.access_loggers.stdout
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog
                  http_filters:
                  - name: envoy.filters.http.router
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
                  route_config:
                    name: local_route
                    virtual_hosts:
                    - name: local_service
                      domains: ["*"]
                      routes:
                      - match: { prefix: "/" }
                        route:
                          host_rewrite_literal: www.example.internal
                          cluster: service_backend
          clusters:
          - name: service_backend
            type: STATIC
            connect_timeout: 1s
            lb_policy: LEAST_REQUEST
            load_assignment:
              cluster_name: service_backend
              endpoints:
              - lb_endpoints:
                - endpoint:
                    address:
                      socket_address: { address: 127.0.0.1, port_value: %d }
        """
            .formatted(adminPort, listenerPort, upstream.getAddress().getPort());
    Path file = distribution.home().resolve("conf/proxy.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private Process launchProxy(Path bootstrap) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
                distribution.home().resolve("bin/bowline").toString(),
                "proxy",
                "--bootstrap",
                bootstrap.toString(),
                "--concurrency",
                "1",
                "--drain-time",
                "PT10S")
            .directory(distribution.home().toFile())
            .redirectErrorStream(true)
            .redirectOutput(distribution.home().resolve("proxy.log").toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Files.createDirectories(tmp());
    pb.environment().put("JAVA_OPTS", "-Djava.io.tmpdir=" + tmp());
    return pb.start();
  }

  /** The proxy's temporary directory, where its plugin host keeps a scratch directory. */
  private Path tmp() {
    return distribution.home().resolve("tmp");
  }

  private HttpResponse<String> admin(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String log() throws IOException {
    return Files.readString(distribution.home().resolve("proxy.log"));
  }

  private static List<String> curl(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return List.of(Integer.toString(p.exitValue()), out);
  }

  private void awaitReady() {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(admin("/ready").statusCode()).as(log()).isEqualTo(200));
  }

  @Test
  void servesAnEnvoyBootstrapAndReportsOnItsAdminInterface() throws Exception {
    proxy = launchProxy(writeBootstrap());
    awaitReady();

    List<String> r = curl("--http1.1", "-i", "http://127.0.0.1:" + listenerPort + "/hello");
    assertThat(r.get(0)).isEqualTo("0");
    assertThat(r.get(1))
        .startsWith("HTTP/1.1 200")
        .containsIgnoringCase("x-envoy-upstream-service-time")
        .contains("upstream saw /hello host=www.example.internal");

    assertThat(admin("/stats/prometheus").body())
        .contains("envoy_cluster_upstream_rq_total{envoy_cluster_name=\"service_backend\"} 1")
        .contains("envoy_http_downstream_rq_xx{envoy_http_conn_manager_prefix=\"ingress_http\",envoy_response_code_class=\"2\"} 1");
    assertThat(admin("/clusters").body()).contains("service_backend::127.0.0.1:" + upstream.getAddress().getPort() + "::rq_total::1");
    assertThat(admin("/config_dump").body()).contains("envoy.admin.v3.BootstrapConfigDump").contains("service_backend");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(log()).contains("\"GET /hello HTTP/1.1\" 200 - "));
  }

  @Test
  void drainsOnSigtermLettingRequestsInFlightFinish() throws Exception {
    proxy = launchProxy(writeBootstrap());
    awaitReady();
    CompletableFuture<HttpResponse<String>> slow =
        client.sendAsync(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listenerPort + "/slow")).build(),
            HttpResponse.BodyHandlers.ofString());
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(log()).contains("listener_0"));
    Thread.sleep(300); // let the slow request reach the upstream before the signal
    proxy.destroy(); // SIGTERM

    HttpResponse<String> response = slow.get(30, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("upstream saw /slow");
    assertThat(proxy.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(curl("http://127.0.0.1:" + listenerPort + "/after").get(0)).as("refused after drain").isNotEqualTo("0");
    try (Stream<Path> left = Files.list(tmp())) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .as("the plugin host's scratch directory is deleted on SIGTERM too")
          .noneMatch(name -> name.startsWith("bowline-plugins-"));
    }
  }

  @Test
  void quitquitquitStopsTheProxyWithExitCodeZero() throws Exception {
    proxy = launchProxy(writeBootstrap());
    awaitReady();

    HttpResponse<String> quit =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/quitquitquit"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(quit.statusCode()).isEqualTo(200);
    assertThat(proxy.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(proxy.exitValue()).isZero();
  }

  @Test
  void anInvalidBootstrapIsRefusedNamingTheField() throws Exception {
    Path bootstrap = writeBootstrap();
    Files.writeString(bootstrap, Files.readString(bootstrap).replace("lb_policy: LEAST_REQUEST", "lb_policy: CLUSTER_PROVIDED"));

    proxy = launchProxy(bootstrap);

    assertThat(proxy.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(proxy.exitValue()).isEqualTo(1);
    assertThat(log()).contains("static_resources.clusters[0].lb_policy", "CLUSTER_PROVIDED is not supported");
  }
}
