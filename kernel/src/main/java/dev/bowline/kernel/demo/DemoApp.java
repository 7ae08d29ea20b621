package dev.bowline.kernel.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One of the demo's small services: answers {@code GET /} with its service name, version and
 * instance, and, when it has a downstream, calls it first and appends the answer. It calls
 * {@code http://<downstream>/} with its sidecar's outbound listener as HTTP proxy, as an
 * application run with {@code HTTP_PROXY=http://127.0.0.1:15001} does: the sidecar receives an
 * absolute-form request and routes it by host. Trace and identity headers ({@code x-request-id}, {@code traceparent},
 * {@code b3}, {@code end-user}) are passed on, as a mesh application should.
 *
 * <p>Threading: the JDK HTTP server on a small pool; the downstream call blocks that pool thread,
 * which is fine for a demo application (the proxy's request path never blocks).
 */
public final class DemoApp implements AutoCloseable {

  private static final String[] PROPAGATED = {"x-request-id", "traceparent", "b3", "x-b3-traceid",
      "x-b3-spanid", "x-b3-sampled", "end-user"};

  private final HttpServer server;
  private final ExecutorService executor;
  private final HttpClient client;

  private DemoApp(HttpServer server, ExecutorService executor, Optional<Downstream> downstream) {
    this.server = server;
    this.executor = executor;
    HttpClient.Builder builder =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2));
    downstream.ifPresent(d ->
        builder.proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", d.sidecarOutboundPort()))));
    this.client = builder.build();
  }

  /**
   * Starts the application on 127.0.0.1 at {@code port} (0: any).
   *
   * @param downstream the service to call, with the sidecar outbound port to call it through
   */
  public static DemoApp start(
      String service, String version, int port, Optional<Downstream> downstream) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
    ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "demo-" + service + "-" + version);
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    DemoApp app = new DemoApp(server, executor, downstream);
    server.createContext("/", exchange -> app.serve(exchange, service, version, downstream));
    server.start();
    return app;
  }

  /** A service this one calls through its sidecar. */
  public record Downstream(String host, int sidecarOutboundPort) {}

  /** The port the application listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  private void serve(HttpExchange exchange, String service, String version, Optional<Downstream> downstream)
      throws IOException {
    try (exchange) {
      StringBuilder body = new StringBuilder();
      body.append(service).append(' ').append(version).append(" (served on port ").append(port()).append(")\n");
      int status = 200;
      if (downstream.isPresent()) {
        Downstream d = downstream.get();
        HttpRequest.Builder call =
            HttpRequest.newBuilder(URI.create("http://" + d.host() + "/"))
                .timeout(Duration.ofSeconds(5));
        for (String h : PROPAGATED) {
          String v = exchange.getRequestHeaders().getFirst(h);
          if (v != null) {
            call.header(h, v);
          }
        }
        try {
          HttpResponse<String> r = client.send(call.build(), HttpResponse.BodyHandlers.ofString());
          body.append("  -> ").append(r.body().replace("\n", "\n     ").stripTrailing()).append('\n');
          if (r.statusCode() >= 500) {
            status = 502;
          }
        } catch (IOException e) {
          body.append("  -> ").append(d.host()).append(" failed: ").append(e.getMessage()).append('\n');
          status = 502;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          status = 503;
        }
      }
      byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
