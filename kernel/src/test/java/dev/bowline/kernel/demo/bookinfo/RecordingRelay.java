package dev.bowline.kernel.demo.bookinfo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A real HTTP server put in front of a real service in tests: records each request it receives
 * (method, request-target, headers) and relays it to the service, the first {@code slowCount}
 * after a delay. Routing by the {@code Host} header, it also plays a sidecar's outbound listener
 * used as HTTP proxy (it receives absolute-form requests).
 */
final class RecordingRelay implements AutoCloseable {

  /** A request as received: the request-target as sent, header names in lower case. */
  record Recorded(String method, URI target, Map<String, String> headers) {}

  private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "content-length",
      "expect", "upgrade", "keep-alive", "proxy-connection", "te", "transfer-encoding");

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "recording-relay");
    t.setDaemon(true);
    return t;
  });
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final Function<String, Integer> portByHost;
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private volatile int slowCount;
  private volatile Duration delay = Duration.ZERO;

  private RecordingRelay(Function<String, Integer> portByHost) throws IOException {
    this.portByHost = portByHost;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(executor);
    server.createContext("/", this::relay);
    server.start();
  }

  /** Relays everything to {@code 127.0.0.1:<port>}. */
  static RecordingRelay to(int port) throws IOException {
    return new RecordingRelay(host -> port);
  }

  /** Relays to the port of the request's host (without its port), as a proxy; 502 if unknown. */
  static RecordingRelay byHost(Map<String, Integer> ports) throws IOException {
    return new RecordingRelay(ports::get);
  }

  /** Delays the next {@code count} requests by {@code delay} before relaying them. */
  RecordingRelay slowFor(int count, Duration delay) {
    this.delay = delay;
    this.slowCount = count;
    return this;
  }

  int port() {
    return server.getAddress().getPort();
  }

  List<Recorded> requests() {
    return List.copyOf(requests);
  }

  Recorded last() {
    return requests.get(requests.size() - 1);
  }

  private void relay(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, String> headers = new TreeMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
      boolean slow;
      synchronized (this) {
        requests.add(new Recorded(exchange.getRequestMethod(), exchange.getRequestURI(), headers));
        slow = slowCount > 0;
        if (slow) {
          slowCount--;
        }
      }
      if (slow) {
        Thread.sleep(delay.toMillis());
      }
      String host = headers.getOrDefault("host", "");
      Integer port = portByHost.apply(host.replaceFirst(":\\d+$", ""));
      if (port == null) {
        reply(exchange, 502, "text/plain", ("no route to " + host).getBytes());
        return;
      }
      URI original = exchange.getRequestURI();
      URI target = URI.create("http://127.0.0.1:" + port + original.getRawPath()
          + (original.getRawQuery() == null ? "" : "?" + original.getRawQuery()));
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      HttpRequest.Builder out = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(20))
          .method(exchange.getRequestMethod(), body.length == 0
              ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
      exchange.getRequestHeaders().forEach((k, v) -> {
        if (!HOP_BY_HOP.contains(k.toLowerCase(Locale.ROOT))) {
          v.forEach(value -> out.header(k, value));
        }
      });
      try {
        HttpResponse<byte[]> r = client.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
        reply(exchange, r.statusCode(), r.headers().firstValue("content-type").orElse("text/plain"), r.body());
      } catch (IOException e) {
        reply(exchange, 503, "text/plain", ("upstream failed: " + e).getBytes());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void reply(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
