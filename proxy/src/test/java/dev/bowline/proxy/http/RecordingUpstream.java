package dev.bowline.proxy.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 server (the JDK's) that records every request (Host, path, body, the headers a
 * test asks about) and answers {@code 200} with its own name as the body, or {@code 503} while
 * {@link #failures} is above zero. With a gate it answers only once the gate opens (a hanging
 * upstream).
 */
final class RecordingUpstream implements AutoCloseable {

  /** A request as the server received it. */
  record Seen(String method, String host, String path, byte[] body, String cookie, String user) {
    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  final String name;
  final List<Seen> seen = new CopyOnWriteArrayList<>();
  /** How many of the next requests get a 503. */
  final AtomicInteger failures = new AtomicInteger();
  private final CountDownLatch gate;
  private final HttpServer server;

  RecordingUpstream(String name) throws IOException {
    this(name, null);
  }

  /** @param gate when not null, every answer waits for it (at most 30 s, then the exchange closes) */
  RecordingUpstream(String name, CountDownLatch gate) throws IOException {
    this.name = name;
    this.gate = gate;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", this::handle);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readAllBytes();
    }
    seen.add(
        new Seen(
            ex.getRequestMethod(),
            ex.getRequestHeaders().getFirst("host"),
            ex.getRequestURI().toString(),
            body,
            ex.getRequestHeaders().getFirst("cookie"),
            ex.getRequestHeaders().getFirst("x-user")));
    if (gate != null) {
      try {
        if (!gate.await(30, TimeUnit.SECONDS)) {
          ex.close();
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ex.close();
        return;
      }
    }
    boolean fail = failures.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    byte[] out = name.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("x-upstream", name);
    ex.sendResponseHeaders(fail ? 503 : 200, out.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(out);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
