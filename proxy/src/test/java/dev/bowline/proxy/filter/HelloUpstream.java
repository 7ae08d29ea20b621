package dev.bowline.proxy.filter;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real HTTP/1.1 server (the JDK's) that records each request (method, path, body, {@code
 * Origin}) and answers {@code 200} with {@code hello <method>} and {@code x-upstream: yes}.
 */
final class HelloUpstream implements AutoCloseable {

  /** A request as the server received it. */
  record Seen(String method, String path, String body, String origin) {}

  final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();

  HelloUpstream() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    String body;
    try (InputStream in = ex.getRequestBody()) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    seen.add(
        new Seen(
            ex.getRequestMethod(),
            ex.getRequestURI().toString(),
            body,
            ex.getRequestHeaders().getFirst("Origin")));
    byte[] answer = ("hello " + ex.getRequestMethod()).getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("x-upstream", "yes");
    ex.sendResponseHeaders(200, answer.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(answer);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
